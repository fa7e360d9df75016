import Foundation
import HTTPTypes
import Hummingbird
import StageSubCore
import StageSubStore

/// The roster: search and filters, a musician's profile with their history and figures, the form to add or
/// change one, archiving, and the CSV import with its dry run.
struct MusicianPages {
    static let pageSize = 50

    var pages: [PageRoute] {
        let user = Access.orchestra(.user)
        return [
            PageRoute(.get, "/musicians", user) { page in try Self.list(page) },
            PageRoute(.get, "/musicians/new", user) { page in try Self.form(page, musician: nil, errors: FieldErrors(), formError: nil) },
            PageRoute(.post, "/musicians/new", user) { page in try Self.save(page, existing: nil) },
            PageRoute(.get, "/musicians/import", user) { page in Self.importPage(page, report: nil, csv: nil, formError: nil, status: .ok) },
            // An import writes hundreds of musicians in one transaction: off the event loop.
            PageRoute(.post, "/musicians/import", user) { page in try await Blocking.run { try Self.runImport(page) } },
            PageRoute(.get, "/musicians/{id}", user) { page in try Self.profile(page, eraseError: nil) },
            PageRoute(.post, "/musicians/{id}/erase", .orchestra(.admin)) { page in
                let id = try page.id()
                guard page.form.text("confirm")?.uppercased() == page.words[.eraseConfirmWord] else {
                    return try Self.profile(page, eraseError: page.words[.errorTypeConfirm])
                }
                try page.gateway.erase(musician: id, now: page.now)
                page.scope.log("erased musician \(id)")
                return page.redirect("/musicians/\(id)", notice: .doneErased)
            },
            PageRoute(.get, "/musicians/{id}/edit", user) { page in
                try Self.form(page, musician: try page.gateway.musician(try page.id()), errors: FieldErrors(), formError: nil)
            },
            PageRoute(.post, "/musicians/{id}/edit", user) { page in try Self.save(page, existing: try page.gateway.musician(try page.id())) },
            PageRoute(.post, "/musicians/{id}/archive", user) { page in
                let id = try page.id()
                try page.gateway.setArchived(true, musician: id, now: page.now)
                return page.redirect("/musicians/\(id)", notice: .doneArchived)
            },
            PageRoute(.post, "/musicians/{id}/restore", user) { page in
                let id = try page.id()
                try page.gateway.setArchived(false, musician: id, now: page.now)
                return page.redirect("/musicians/\(id)", notice: .doneRestored)
            },
        ]
    }

    static func list(_ page: WebPage) throws -> Response {
        let gateway = try page.gateway, words = page.words, language = page.language
        let catalog = try gateway.instruments()
        let instrument = page.query("instrument").flatMap { Int64($0) }
        let position = page.query("position").flatMap { Int64($0) }
        let status = page.query("status") ?? "current"
        let local = page.query("local") != nil
        let sort = page.query("sort") ?? "last"
        let offset = max(0, page.query("offset").flatMap { Int($0) } ?? 0)
        let found = try gateway.musicianRows(search: page.query("q"), instrument: instrument, position: position, status: status,
                                             localOnly: local, sort: sort, limit: pageSize, offset: offset)
        func sortLink(_ key: String, _ label: Word) -> [String: Any] {
            ["label": words[label], "href": Views.link(page, replacing: "sort", with: key), "current": sort == key]
        }
        let view: [String: Any] = [
            "q": page.query("q") ?? "", "local": local,
            "instruments": catalog.map { ["id": $0.instrument.id ?? 0, "name": language == .en ? $0.instrument.nameEn : $0.instrument.name,
                                          "selected": $0.instrument.id == instrument] as [String: Any] },
            "positions": catalog.flatMap { section in section.positions.map { p -> [String: Any] in
                ["id": p.id ?? 0, "selected": p.id == position,
                 "name": Views.positionLabel(position: p.name, positionEn: p.nameEn, instrument: section.instrument.name,
                                             instrumentEn: section.instrument.nameEn, language: language)]
            } },
            "statuses": [("current", Word.statusCurrent), ("inactive", .statusInactive), ("archived", .statusArchived), ("all", .all)].map {
                ["value": $0.0, "label": words[$0.1], "selected": $0.0 == status] as [String: Any]
            },
            "columns": [sortLink("last", .name), ["label": words[.plays], "href": false], sortLink("email", .email),
                        ["label": words[.phone], "href": false], ["label": words[.status], "href": false]],
            "musicians": found.items.map { row -> [String: Any] in
                let m = row.musician
                return ["id": m.id ?? 0, "name": "\(m.lastName), \(m.firstName)", "plays": language == .en ? row.playsEn : row.playsSv,
                        "email": m.email, "phone": m.phone ?? "", "local": m.localResidence, "archived": m.isArchived,
                        "statusLabel": m.isArchived ? words[.statusArchived] : (m.isActive ? false : words[.statusInactive]) as Any]
            },
            "pager": Views.pager(total: found.total, limit: pageSize, offset: offset, page: page),
        ]
        return page.render("musicians", title: words[.navMusicians], section: .musicians, view)
    }

    static func profile(_ page: WebPage, eraseError: String?) throws -> Response {
        let gateway = try page.gateway, words = page.words, language = page.language, zone = page.timeZone
        let id = try page.id()
        let row = try gateway.musicianRow(id), musician = row.musician
        let plays = language == .en ? row.playsEn : row.playsSv
        let figures = try gateway.statistics(musician: id)
        let percent = { (value: Double?) in value.map { Format.percent(Int(($0 * 100).rounded()), language: language) } ?? "–" }
        let view: [String: Any] = [
            "id": id, "name": musician.fullName, "email": musician.email, "phone": musician.phone ?? "–",
            "language": musician.preferredLanguage == "en" ? words[.languageEnglish] : words[.languageSwedish],
            "localText": musician.localResidence ? words[.yes] : words[.no],
            "statusText": musician.isArchived ? words[.statusArchived] : musician.isActive ? words[.statusCurrent] : words[.statusInactive],
            "archived": musician.isArchived, "notes": musician.notes ?? "",
            "isAdmin": page.isAdmin, "eraseWord": words[.eraseConfirmWord], "eraseError": eraseError ?? false as Any,
            "plays": plays.isEmpty ? words[.playsNothing] : plays,
            "requests": figures?.requests ?? 0, "accepted": figures?.accepted ?? 0, "declined": figures?.declined ?? 0,
            "acceptanceRate": percent(figures?.acceptanceRate), "responseRate": percent(figures?.responseRate),
            "medianResponse": figures?.medianResponseHours.map { Format.duration(hours: $0, language: language) } ?? "–",
            "history": try gateway.musicianRequests(id).map { item -> [String: Any] in
                ["sent": Format.shortDateTime(item.sentAt, timeZone: zone, language: language), "projectId": item.projectId,
                 "projectName": item.projectName, "position": language == .en ? item.positionNameEn : item.positionName,
                 "status": words.requestStatus(item.status), "statusClass": Views.requestClass(item.status),
                 "answered": item.respondedAt.map { Format.shortDateTime($0, timeZone: zone, language: language) } ?? "–"]
            },
        ]
        return page.render("musician", title: musician.fullName, section: .musicians, status: eraseError == nil ? .ok : .unprocessableContent, view)
    }

    static func form(_ page: WebPage, musician: Musician?, errors: FieldErrors, formError: String?) throws -> Response {
        let gateway = try page.gateway, words = page.words, language = page.language, form = page.form
        let chosen: Set<Int64> = form.values.isEmpty ? Set(try musician.flatMap { try gateway.qualifications(musician: $0.id!) } ?? [])
            : Set(form.ids("positionIds"))
        let fields = [
            Field(name: "firstName", label: words[.firstName], value: form.keep("firstName", else: musician?.firstName), required: true, autocomplete: "off"),
            Field(name: "lastName", label: words[.lastName], value: form.keep("lastName", else: musician?.lastName), required: true, autocomplete: "off"),
            Field(name: "email", label: words[.email], kind: .input("email"), value: form.keep("email", else: musician?.email), required: true, autocomplete: "off"),
            Field(name: "phone", label: words[.phone], kind: .input("tel"), value: form.keep("phone", else: musician?.phone), hint: words[.phoneHint], autocomplete: "off"),
            Field(name: "preferredLanguage", label: words[.language],
                  kind: .select([("sv", words[.languageSwedish]), ("en", words[.languageEnglish])]),
                  value: form.keep("preferredLanguage", else: musician?.preferredLanguage ?? "sv")),
            Field(name: "notes", label: words[.notes], kind: .textarea, value: form.keep("notes", else: musician?.notes)),
            Field(name: "localResidence", label: words[.localResidence], kind: .checkbox,
                  value: form.keepChecked("localResidence", else: musician?.localResidence ?? false)),
            Field(name: "isActive", label: words[.activeMusician], kind: .checkbox, value: form.keepChecked("isActive", else: musician?.isActive ?? true),
                  hint: words[.activeMusicianHint]),
        ]
        let groups = try gateway.instruments().map { section -> [String: Any] in
            ["name": language == .en ? section.instrument.nameEn : section.instrument.name,
             "positions": section.positions.map { ["id": $0.id ?? 0, "name": language == .en ? $0.nameEn : $0.name,
                                                   "checked": chosen.contains($0.id ?? 0)] as [String: Any] }]
        }
        var view: [String: Any] = [
            "heading": musician.map { $0.fullName } ?? words[.musicianNew],
            "action": musician.map { "/musicians/\($0.id!)/edit" } ?? "/musicians/new",
            "cancelHref": musician.map { "/musicians/\($0.id!)" } ?? "/musicians",
            "fields": Field.views(fields, errors: errors), "instrumentGroups": groups,
            "formError": formError ?? (errors.isEmpty ? false : words[.formHasErrors]) as Any,
        ]
        if let musician { view["musicianId"] = musician.id!; view["musicianName"] = musician.fullName }
        let status: HTTPResponse.Status = page.isResubmission ? .unprocessableContent : .ok
        return page.render("musician-form", title: musician?.fullName ?? words[.musicianNew], section: .musicians, status: status, view)
    }

    static func save(_ page: WebPage, existing: Musician?) throws -> Response {
        let form = page.form, gateway = try page.gateway
        var check = FormCheck(words: page.words)
        let first = check.required(form, "firstName"), last = check.required(form, "lastName"), email = check.email(form, "email")
        let language = form["preferredLanguage"] == "en" ? "en" : "sv"
        guard check.errors.isEmpty, let first, let last, let email else {
            return try Self.form(page, musician: existing, errors: check.errors, formError: nil)
        }
        var musician = existing ?? Musician(firstName: first, lastName: last, email: email, phone: nil, preferredLanguage: language,
                                            localResidence: false, notes: nil, now: page.now)
        musician.firstName = first
        musician.lastName = last
        musician.email = email
        musician.phone = form.text("phone")
        musician.preferredLanguage = language
        musician.localResidence = form.checked("localResidence")
        musician.notes = form.text("notes")
        musician.isActive = form.checked("isActive")
        do {
            let positions = Set(form.ids("positionIds"))
            if existing == nil {
                let created = try gateway.createMusician(musician, positions: positions)
                return page.redirect("/musicians/\(created.id!)", notice: .doneCreated)
            }
            _ = try gateway.updateMusician(musician, positions: positions, now: page.now)
            return page.redirect("/musicians/\(musician.id!)", notice: .doneSaved)
        } catch {
            guard [.conflict, .invalidInput, .limitReached].contains(error.code) else { throw error }
            var errors = FieldErrors()
            if error.code == .conflict {
                let field = if case .phoneTaken = error.problem { "phone" } else { "email" }
                errors.add(field, page.words.explain(error))
            }
            return try Self.form(page, musician: existing, errors: errors, formError: errors.isEmpty ? page.words.explain(error) : nil)
        }
    }

    static func importPage(_ page: WebPage, report: ImportReport?, csv: String?, formError: String?, status: HTTPResponse.Status) -> Response {
        let words = page.words
        // What was pasted comes back in its box, so a row can be fixed there and checked again.
        var view: [String: Any] = ["formError": formError ?? false, "paste": page.form["paste"] ?? ""]
        if let report {
            let bad = Set(report.issues.map(\.line).filter { $0 > 1 }).count
            let summary = words.importSummary(rows: report.rows, good: report.musicians, committed: report.committed, bad: bad)
            view["report"] = [
                "committed": report.committed, "summary": summary, "ignored": report.ignoredColumns.isEmpty ? false : report.ignoredColumns.joined(separator: ", ") as Any,
                "hasIssues": !report.issues.isEmpty, "issues": report.issues.map { ["line": $0.line, "message": $0.problems.map(words.importProblem).joined(separator: "; ")] },
                "canCommit": !report.committed && report.issues.isEmpty && report.musicians > 0, "csv": csv ?? "",
            ] as [String: Any]
        }
        return page.render("import", title: words[.importCSV], section: .musicians, status: status, view)
    }

    static func runImport(_ page: WebPage) throws -> Response {
        let form = page.form
        let data: Data
        if let upload = form.uploads["file"], !upload.data.isEmpty {
            data = upload.data
        } else if let text = form.text("csv") ?? form.text("paste") {
            data = Data(text.utf8)
        } else {
            return importPage(page, report: nil, csv: nil, formError: page.words[.importNothing], status: .unprocessableContent)
        }
        let commit = form["commit"] == "1"
        do {
            let report = try page.gateway.importMusicians(data, dryRun: !commit, now: page.now)
            if report.committed { return page.redirect("/musicians", notice: .doneImported) }
            return importPage(page, report: report, csv: String(decoding: data, as: UTF8.self), formError: nil,
                              status: report.issues.isEmpty ? .ok : .unprocessableContent)
        } catch let error as StoreError where error.code == .invalidInput || error.code == .limitReached || error.code == .conflict {
            return importPage(page, report: nil, csv: nil, formError: page.words.explain(error), status: .unprocessableContent)
        }
    }
}
