import Foundation
import HTTPTypes
import Hummingbird
import StageSubCore
import StageSubStore

/// Concert projects and their needs: the list, the project page (needs, files, custom lists, group email),
/// a need's page (preview, send, pause, resume, change, book directly, cancel, withdrawals), and the
/// project-wide preview and send. Every button is the engine's own operation.
struct ProjectPages {
    static let pageSize = 50

    var pages: [PageRoute] {
        let user = Access.orchestra(.user)
        return [
            PageRoute(.get, "/projects", user) { page in try Self.list(page) },
            PageRoute(.get, "/projects/new", user) { page in Self.form(page, project: nil, errors: FieldErrors(), formError: nil) },
            PageRoute(.post, "/projects/new", user) { page in try Self.save(page, existing: nil) },
            PageRoute(.get, "/projects/{id}", user) { page in try Self.show(page, needErrors: FieldErrors(), formError: nil) },
            PageRoute(.get, "/projects/{id}/edit", user) { page in
                Self.form(page, project: try page.gateway.project(try page.id()), errors: FieldErrors(), formError: nil)
            },
            PageRoute(.post, "/projects/{id}/edit", user) { page in try Self.save(page, existing: try page.gateway.project(try page.id())) },
            PageRoute(.post, "/projects/{id}/archive", user) { page in
                let id = try page.id()
                try page.gateway.setProjectArchived(true, project: id, now: page.now)
                return page.redirect("/projects/\(id)", notice: .doneArchived)
            },
            PageRoute(.post, "/projects/{id}/restore", user) { page in
                let id = try page.id()
                try page.gateway.setProjectArchived(false, project: id, now: page.now)
                return page.redirect("/projects/\(id)", notice: .doneRestored)
            },
            PageRoute(.post, "/projects/{id}/needs", user) { page in try Self.addNeed(page) },
            PageRoute(.get, "/projects/{id}/preview", user) { page in try Self.projectPreview(page) },
            PageRoute(.post, "/projects/{id}/send", user) { page in
                let id = try page.id(), gateway = try page.gateway, now = page.now
                // Every open need's plan and its messages, in one go: off the event loop.
                let sent = try await Blocking.run { try gateway.sendProject(project: id, now: now).reduce(0) { $0 + $1.result.sent.count } }
                page.scope.log("sent project \(id): \(sent) requests")
                return page.redirect("/projects/\(id)", notice: sent > 0 ? .doneSent : .doneNothingToSend)
            },
            PageRoute(.post, "/projects/{id}/files", user) { page in
                let id = try page.id()
                guard let upload = page.form.uploads["file"], !upload.data.isEmpty else {
                    throw APIError(.badRequest, page.words[.errorChooseFile])
                }
                let sendWith = FileSendWith(rawValue: page.form["sendWith"] ?? "") ?? .request
                _ = try page.gateway.attachFile(upload.data, name: upload.filename, mimeType: upload.contentType, to: .project(id),
                                                sendWith: sendWith, now: page.now)
                return page.redirect("/projects/\(id)#files", notice: .doneUploaded)
            },
            PageRoute(.get, "/files/{id}", user) { page in
                let contents = try page.gateway.file(try page.id())
                return FileResponse.make(contents.file, data: contents.data)
            },
            PageRoute(.post, "/files/{id}/delete", user) { page in
                let gateway = try page.gateway, id = try page.id()
                let project = try gateway.file(id).file.projectId
                try gateway.deleteFile(id)
                return page.redirect("/projects/\(project)#files", notice: .doneDeleted)
            },
            PageRoute(.post, "/projects/{id}/custom-lists", user) { page in
                let gateway = try page.gateway, id = try page.id()
                guard let position = page.form["positionId"].flatMap({ Int64($0) }), let name = page.form.text("name") else {
                    throw APIError(.badRequest, page.words[.errorRequired])
                }
                let type = ["A", "B", "C"].contains(page.form["fromList"] ?? "") ? page.form["fromList"]! : "A"
                let from = try gateway.rankingList(position: position, type: type)
                _ = try gateway.createCustomList(project: id, position: position, name: name, musicians: try gateway.ranking(list: from))
                return page.redirect("/projects/\(id)#custom-lists", notice: .doneCreated)
            },
            PageRoute(.get, "/custom-lists/{id}", user) { page in try Self.customList(page) },
            PageRoute(.post, "/custom-lists/{id}/move", user) { page in
                let gateway = try page.gateway, id = try page.id(), form = page.form
                guard let musician = (form["up"] ?? form["down"]).flatMap({ Int64($0) }) else { throw APIError(.badRequest, page.words[.errorRequired]) }
                try gateway.setCustomList(id, musicians: CatalogPages.moved(try gateway.customList(id).musicianIds, musician, up: form["up"] != nil))
                return page.redirect("/custom-lists/\(id)")
            },
            PageRoute(.post, "/custom-lists/{id}/remove", user) { page in
                let gateway = try page.gateway, id = try page.id()
                guard let musician = page.form["musicianId"].flatMap({ Int64($0) }) else { throw APIError(.badRequest, page.words[.errorRequired]) }
                try gateway.setCustomList(id, musicians: try gateway.customList(id).musicianIds.filter { $0 != musician })
                return page.redirect("/custom-lists/\(id)", notice: .doneRemoved)
            },
            PageRoute(.post, "/custom-lists/{id}/add", user) { page in
                let gateway = try page.gateway, id = try page.id()
                let current = try gateway.customList(id).musicianIds
                let added = page.form.ids("musicianIds").filter { !current.contains($0) }
                guard !added.isEmpty else { return page.redirect("/custom-lists/\(id)") }
                try gateway.setCustomList(id, musicians: current + added)
                return page.redirect("/custom-lists/\(id)", notice: .doneAdded)
            },
            PageRoute(.post, "/projects/{id}/group-email", user) { page in
                let id = try page.id(), gateway = try page.gateway, now = page.now
                let subject = page.form["subject"] ?? "", message = page.form["message"] ?? ""
                // One message per booked musician, each rendered in their language: off the event loop.
                let sent = try await Blocking.run { try gateway.sendGroupEmail(project: id, subject: subject, message: message, now: now) }
                page.scope.log("group email for project \(id) to \(sent.recipientCount)")
                return page.redirect("/projects/\(id)#group-email", notice: .doneGroupEmail)
            },
            PageRoute(.get, "/needs/{id}", user) { page in try Self.need(page, errors: FieldErrors(), formError: nil, cancelError: nil) },
            PageRoute(.post, "/needs/{id}/send", user) { page in
                let id = try page.id()
                let result = try page.gateway.send(need: id, now: page.now)
                page.scope.log("sent need \(id): \(result.sent.count) requests")
                return page.redirect("/needs/\(id)", notice: result.sent.isEmpty ? .doneNothingToSend : .doneSent)
            },
            PageRoute(.post, "/needs/{id}/pause", user) { page in
                let id = try page.id()
                _ = try page.gateway.setNeedPaused(true, need: id, now: page.now)
                return page.redirect("/needs/\(id)", notice: .donePaused)
            },
            PageRoute(.post, "/needs/{id}/resume", user) { page in
                let id = try page.id()
                _ = try page.gateway.setNeedPaused(false, need: id, now: page.now)
                return page.redirect("/needs/\(id)", notice: .doneResumed)
            },
            PageRoute(.post, "/needs/{id}/cancel", user) { page in
                let id = try page.id()
                guard page.form.text("confirm")?.uppercased() == page.words[.cancelConfirmWord] else {
                    return try Self.need(page, errors: FieldErrors(), formError: nil, cancelError: page.words[.errorTypeConfirm])
                }
                try page.gateway.cancelNeed(id, now: page.now)
                return page.redirect("/needs/\(id)", notice: .doneCancelled)
            },
            PageRoute(.post, "/needs/{id}/book", user) { page in
                let id = try page.id()
                guard let musician = page.form["musicianId"].flatMap({ Int64($0) }) else { throw APIError(.badRequest, page.words[.errorRequired]) }
                try page.gateway.bookDirectly(need: id, musician: musician, now: page.now)
                return page.redirect("/needs/\(id)", notice: .doneBooked)
            },
            PageRoute(.post, "/needs/{id}/edit", user) { page in try Self.changeNeed(page) },
            PageRoute(.post, "/requests/{id}/withdrawal", user) { page in
                let gateway = try page.gateway, id = try page.id()
                let request = try gateway.request(id)
                _ = try gateway.recordWithdrawal(request: id, now: page.now)
                return page.redirect("/needs/\(request.needId)", notice: .doneWithdrawal)
            },
        ]
    }

    // MARK: Projects

    static func list(_ page: WebPage) throws -> Response {
        let words = page.words
        let past = page.query("when") == "past"
        let sort = ProjectSort(rawValue: page.query("sort") ?? "") ?? .start
        let offset = max(0, page.query("offset").flatMap { Int($0) } ?? 0)
        let found = try page.gateway.projectSummaries(upcoming: !past, today: Format.today(page.now, timeZone: page.timeZone),
                                                      search: page.query("q"), sort: sort, limit: pageSize, offset: offset)
        let view: [String: Any] = [
            "when": past ? "past" : "upcoming", "q": page.query("q") ?? "",
            "tabs": [["href": "/projects", "label": words[.upcoming], "current": !past],
                     ["href": "/projects?when=past", "label": words[.past], "current": past]],
            "sorts": [(ProjectSort.start, Word.sortStart), (.name, .name), (.staffing, .staffing), (.added, .sortAdded)].map {
                ["value": $0.0.rawValue, "label": words[$0.1], "selected": $0.0 == sort] as [String: Any]
            },
            "projects": found.items.map { Views.project($0, page) },
            "pager": Views.pager(total: found.total, limit: pageSize, offset: offset, page: page),
        ]
        return page.render("projects", title: words[.navProjects], section: .projects, view)
    }

    static func form(_ page: WebPage, project: Project?, errors: FieldErrors, formError: String?) -> Response {
        let words = page.words, form = page.form
        let fields = [
            Field(name: "name", label: words[.projectName], value: form.keep("name", else: project?.name), required: true),
            Field(name: "startDate", label: words[.startDate], kind: .input("date"), value: form.keep("startDate", else: project?.startDate),
                  required: true, hint: words[.weekFollows]),
            Field(name: "endDate", label: words[.endDate], kind: .input("date"), value: form.keep("endDate", else: project?.endDate)),
            Field(name: "rehearsalSchedule", label: words[.rehearsals], kind: .textarea,
                  value: form.keep("rehearsalSchedule", else: project?.rehearsalSchedule), hint: words[.rehearsalsHint]),
            Field(name: "concertInfo", label: words[.concertInfo], kind: .textarea, value: form.keep("concertInfo", else: project?.concertInfo)),
            Field(name: "notes", label: words[.notes], kind: .textarea, value: form.keep("notes", else: project?.notes), hint: words[.notesInternal]),
        ]
        var view: [String: Any] = [
            "heading": project?.name ?? words[.projectCreate],
            "action": project.map { "/projects/\($0.id!)/edit" } ?? "/projects/new",
            "cancelHref": project.map { "/projects/\($0.id!)" } ?? "/projects",
            "fields": Field.views(fields, errors: errors),
            "formError": formError ?? (errors.isEmpty ? false : words[.formHasErrors]) as Any,
        ]
        if let project { view["projectId"] = project.id!; view["projectName"] = project.name }
        return page.render("project-form", title: project?.name ?? words[.projectCreate], section: .projects,
                           status: page.isResubmission ? .unprocessableContent : .ok, view)
    }

    static func save(_ page: WebPage, existing: Project?) throws -> Response {
        let form = page.form, gateway = try page.gateway
        var check = FormCheck(words: page.words)
        let name = check.required(form, "name")
        let start = check.date(form, "startDate", required: true)
        let end = check.date(form, "endDate", required: false)
        if let start, let end, end < start { check.add("endDate", page.words[.errorEndBeforeStart]) }
        guard check.errors.isEmpty, let name, let start else { return Self.form(page, project: existing, errors: check.errors, formError: nil) }
        do {
            if let existing {
                _ = try gateway.updateProject(existing.id!, name: name, startDate: start, endDate: end, rehearsalSchedule: form.text("rehearsalSchedule"),
                                              concertInfo: form.text("concertInfo"), notes: form.text("notes"), now: page.now)
                return page.redirect("/projects/\(existing.id!)", notice: .doneSaved)
            }
            let project = try gateway.createProject(name: name, startDate: start, endDate: end, rehearsalSchedule: form.text("rehearsalSchedule"),
                                                    concertInfo: form.text("concertInfo"), notes: form.text("notes"), now: page.now)
            return page.redirect("/projects/\(project.id!)", notice: .doneCreated)
        } catch {
            guard [.invalidInput, .limitReached].contains(error.code) else { throw error }
            return Self.form(page, project: existing, errors: FieldErrors(), formError: page.words.explain(error))
        }
    }

    /// Positions as choices: "Tutti, Altfiol", in score order.
    static func positionOptions(_ gateway: OrchestraGateway, language: Language) throws -> [(value: String, label: String)] {
        try gateway.instruments().flatMap { section in
            section.positions.map { p in
                (String(p.id ?? 0), Views.positionLabel(position: p.name, positionEn: p.nameEn, instrument: section.instrument.name,
                                                        instrumentEn: section.instrument.nameEn, language: language))
            }
        }
    }

    /// A text the project page shows with its heading, or `false` (the template's section is skipped: an
    /// empty string would still show the heading with nothing under it).
    static func shown(_ text: String?) -> Any {
        guard let text, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return false }
        return text
    }

    static func show(_ page: WebPage, needErrors: FieldErrors, formError: String?) throws -> Response {
        let gateway = try page.gateway, words = page.words, language = page.language, form = page.form, zone = page.timeZone
        let id = try page.id()
        let project = try gateway.project(id)
        let needs = try gateway.needSummaries(project: id)
        let wanted = needs.filter { $0.need.status != .cancelled }.reduce(0) { $0 + $1.need.quantity }
        let booked = needs.filter { $0.need.status != .cancelled }.reduce(0) { $0 + $1.booked }
        let options = try positionOptions(gateway, language: language)
        let customLists = try gateway.customLists(project: id)
        let positionNames = Dictionary(uniqueKeysWithValues: options.map { (Int64($0.value) ?? 0, $0.label) })
        let listChoices: [(value: String, label: String)] = [("A", words[.listA]), ("B", words[.listB]), ("C", words[.listC])]
            + customLists.map { ("custom:\($0.id)", "\(words[.customList]): \($0.name)") }
        let needFields = [
            Field(name: "positionId", label: words[.position], kind: .select(options), value: form.keep("positionId", else: nil), required: true),
            Field(name: "quantity", label: words[.quantity], kind: .input("number"), value: form.keep("quantity", else: "1"), required: true, min: "1", max: "500"),
            Field(name: "list", label: words[.list], kind: .select(listChoices), value: form.keep("list", else: "A"),
                  hint: words[.listHint]),
            Field(name: "strategy", label: words[.strategy], kind: .select(RequestStrategy.allCases.map { ($0.rawValue, words.strategy($0)) }),
                  value: form.keep("strategy", else: RequestStrategy.sequential.rawValue), hint: words[.strategyHint]),
            Field(name: "responseTimeHours", label: words[.responseTimeHours], kind: .input("number"),
                  value: form.keep("responseTimeHours", else: "48"), required: true, min: "1", max: "2160"),
            Field(name: "maxRecipients", label: words[.maxRecipients], kind: .input("number"), value: form.keep("maxRecipients", else: nil),
                  hint: words[.maxRecipientsHint], min: "1", max: "2000"),
            Field(name: "requireLocalResidence", label: words[.localOnly], kind: .checkbox, value: form.keepChecked("requireLocalResidence", else: false)),
        ]
        var view = Views.staffing(percent: wanted == 0 ? 100 : min(100, booked * 100 / wanted), booked: booked, wanted: wanted, page)
        view.merge([
            "id": id, "name": project.name, "archived": project.archivedAt != nil,
            "period": Format.period(start: project.startDate, end: project.endDate, week: project.weekNumber, language: language),
            "rehearsals": Self.shown(project.rehearsalSchedule), "concerts": Self.shown(project.concertInfo), "notes": Self.shown(project.notes),
            "pending": needs.reduce(0) { $0 + $1.pending },
            "needs": needs.map { Views.need($0, page) },
            "needFields": Field.views(needFields, errors: needErrors),
            "formError": formError ?? (needErrors.isEmpty ? false : words[.formHasErrors]) as Any,
            "files": try gateway.files(project: id).map { file -> [String: Any] in
                ["id": file.id, "name": file.fileName, "projectId": id,
                 "sendWith": file.sendWith == .request ? words[.sendWithRequest] : words[.sendWithConfirmation]]
            },
            "customLists": customLists.map { ["id": $0.id, "name": $0.name, "position": positionNames[$0.positionId] ?? "", "count": $0.musicians] as [String: Any] },
            "positionOptions": options.map { ["value": $0.value, "label": $0.label] },
            "hasGroupEmails": try !gateway.groupEmails(project: id).isEmpty,
            "groupEmails": try gateway.groupEmails(project: id).map { email -> [String: Any] in
                ["subject": email.subject, "count": email.recipientCount, "when": Format.shortDateTime(email.createdAt, timeZone: zone, language: language)]
            },
        ]) { $1 }
        return page.render("project", title: project.name, section: .projects, status: formError != nil || !needErrors.isEmpty ? .unprocessableContent : .ok, view)
    }

    static func addNeed(_ page: WebPage) throws -> Response {
        let gateway = try page.gateway, id = try page.id(), form = page.form, words = page.words
        var check = FormCheck(words: words)
        let quantity = check.integer(form, "quantity", in: 1...500, required: true)
        let hours = check.integer(form, "responseTimeHours", in: 1...2160, required: true)
        let maxRecipients = check.integer(form, "maxRecipients", in: 1...2000, required: false)
        let position = form["positionId"].flatMap { Int64($0) }
        if position == nil { check.add("positionId", words[.errorRequired]) }
        let strategy = RequestStrategy(rawValue: form["strategy"] ?? "") ?? .sequential
        guard check.errors.isEmpty, let position, let quantity, let hours else { return try show(page, needErrors: check.errors, formError: nil) }
        var rankingList: Int64?, customList: Int64?
        let choice = form["list"] ?? "A"
        if choice.hasPrefix("custom:") {
            customList = Int64(choice.dropFirst(7))
        } else {
            rankingList = try gateway.rankingList(position: position, type: ["A", "B", "C"].contains(choice) ? choice : "A")
        }
        do {
            let need = try gateway.createNeed(project: id, position: position, quantity: quantity, rankingList: rankingList, customList: customList,
                                              strategy: strategy, maxRecipients: maxRecipients, responseTimeHours: hours,
                                              requireLocalResidence: form.checked("requireLocalResidence"), now: page.now)
            return page.redirect("/needs/\(need.id!)", notice: .doneNeedCreated)
        } catch {
            guard [.invalidInput, .conflict, .notFound].contains(error.code) else { throw error }
            return try show(page, needErrors: FieldErrors(), formError: page.words.explain(error))
        }
    }

    /// A plan for a template: who is asked, the queue, and why each other musician is passed over.
    static func planView(_ plan: DispatchPlan, gateway: OrchestraGateway, words: Words) throws -> [String: Any] {
        let names = try gateway.musicianNames(plan.ask + plan.queue + plan.passed.map(\.musicianId))
        func name(_ id: Int64) -> String { names[id] ?? "#\(id)" }
        // Those waiting their turn are the queue already; "passed over" is everyone with another reason.
        let passed = plan.passed.filter { if case .waiting = $0.reason { return false } else { return true } }
        return [
            "ask": plan.ask.map { ["name": name($0), "conflict": plan.conflictWarnings[$0] != nil] as [String: Any] },
            "askCount": plan.ask.count, "canSend": !plan.ask.isEmpty,
            "hasQueue": !plan.queue.isEmpty, "hasPassed": !passed.isEmpty,
            "queue": plan.queue.map { ["name": name($0)] },
            "passed": passed.map { ["name": name($0.musicianId), "reason": words.passReason($0.reason)] },
            "passedCount": passed.count,
            "hold": plan.hold.map { words.hold($0) } ?? false as Any,
        ]
    }

    static func projectPreview(_ page: WebPage) throws -> Response {
        let gateway = try page.gateway, id = try page.id(), words = page.words
        let project = try gateway.project(id)
        let summaries = Dictionary(uniqueKeysWithValues: try gateway.needSummaries(project: id).map { ($0.need.id ?? 0, $0) })
        let plans = try gateway.previewProject(project: id, now: page.now)
        let views = try plans.map { plan -> [String: Any] in
            var view = try planView(plan.plan, gateway: gateway, words: words)
            view["needId"] = plan.needId
            if let summary = summaries[plan.needId] {
                let need = Views.need(summary, page)
                view["position"] = need["position"]
                view["status"] = need["status"]
                view["statusClass"] = need["statusClass"]
            }
            return view
        }
        let total = plans.reduce(0) { $0 + $1.plan.ask.count }
        return page.render("project-preview", title: words[.previewProject], section: .projects,
                           ["id": id, "name": project.name, "plans": views, "canSend": total > 0, "totalAsk": total])
    }

    /// A project's own list: its order (↑/↓, ✕) and the musicians of its position who may be added.
    static func customList(_ page: WebPage) throws -> Response {
        let gateway = try page.gateway, words = page.words, id = try page.id()
        let list = try gateway.customList(id)
        let project = try gateway.project(list.projectId)
        let position = Views.positionLabel(list.positionId, in: try gateway.instruments(includeArchived: true), language: page.language) ?? ""
        let names = try gateway.musicianNames(list.musicianIds)
        let candidates = try gateway.qualifiedMusicians(position: list.positionId, search: page.query("q"), excluding: Set(list.musicianIds), limit: 50)
        let needs = try gateway.needSummaries(project: list.projectId).filter {
            $0.need.customRankingListId == id && ($0.need.status == .active || $0.need.status == .paused)
        }
        var view: [String: Any] = [
            "id": id, "name": list.name, "position": position, "projectId": list.projectId, "projectName": project.name,
            "q": page.query("q") ?? "",
            "inUse": !needs.isEmpty, "usedBy": needs.map { ["id": $0.need.id ?? 0, "label": $0.projectName] as [String: Any] },
        ]
        view.merge(Views.ranking(list: id, musicians: list.musicianIds, names: names, candidates: candidates, words: words)) { $1 }
        return page.render("custom-list", title: list.name, section: .projects, view)
    }

    // MARK: Needs

    static func need(_ page: WebPage, errors: FieldErrors, formError: String?, cancelError: String?) throws -> Response {
        let gateway = try page.gateway, id = try page.id(), words = page.words, language = page.language, zone = page.timeZone, form = page.form
        let summary = try gateway.needSummary(id)
        let need = summary.need
        var view = Views.need(summary, page)
        let requests = try gateway.requestViews(need: id)
        // An active need's preview. A filled need with a booking has nobody to ask now, but its plan's queue says
        // whether a withdrawal would find someone: the confirmation says what will happen.
        let bookings = requests.contains { $0.status == .accepted }
        let plan = need.status == .active || (need.status == .filled && bookings) ? try gateway.preview(need: id, now: page.now) : nil
        if need.status == .active, let plan { view.merge(try planView(plan, gateway: gateway, words: words)) { $1 } }
        let nextAfterWithdrawal: Word = need.status == .paused ? .withdrawConfirmPaused
            : (plan.map { $0.ask.isEmpty && $0.queue.isEmpty } ?? true) ? .withdrawConfirmNoneLeft : .withdrawConfirm
        view["withdrawConfirm"] = words[nextAfterWithdrawal]
        let asked = Set(requests.map(\.musicianId))  // nobody is asked or booked twice for one need
        view["requests"] = requests.map { request -> [String: Any] in
            let time = { (date: Date?) in date.map { Format.shortDateTime($0, timeZone: zone, language: language) } ?? "–" }
            return ["id": request.id, "needId": id, "musicianId": request.musicianId, "name": request.musicianName,
                    "status": words.requestStatus(request.status), "statusClass": Views.requestClass(request.status),
                    "direct": request.bookedDirectly, "sent": time(request.sentAt), "reminder": time(request.reminderSentAt),
                    "deadline": request.status == .pending ? time(request.deadlineAt) : "–", "answered": time(request.respondedAt),
                    "canWithdraw": request.status == .accepted]
        }
        // Book directly: the first 50 who may be booked, by name, and a search for the others (a select of
        // hundreds of names is neither quick to use nor to send).
        let bookable = try gateway.qualifiedMusicians(position: need.positionId, search: page.query("q"), excluding: asked, limit: 50)
        view["bookable"] = bookable.musicians.map { ["id": $0.id, "name": $0.name] as [String: Any] }
        view["noneBookable"] = bookable.musicians.isEmpty
        view["moreBookable"] = bookable.total > bookable.musicians.count ? words.candidatesShown(bookable.musicians.count, of: bookable.total) : false
        view["q"] = page.query("q") ?? ""
        let editFields = [
            Field(name: "quantity", label: words[.quantity], kind: .input("number"), value: form.keep("quantity", else: String(need.quantity)),
                  required: true, min: "1", max: "500"),
            Field(name: "responseTimeHours", label: words[.responseTimeHours], kind: .input("number"),
                  value: form.keep("responseTimeHours", else: String(need.responseTimeHours)), required: true, hint: words[.needChangeHint],
                  min: "1", max: "2160"),
        ]
        view["editFields"] = Field.views(editFields, errors: errors)
        view["formError"] = formError ?? (errors.isEmpty ? false : words[.formHasErrors]) as Any
        view["cancelError"] = cancelError ?? false as Any
        view["confirmWord"] = words[.cancelConfirmWord]
        view["maxRecipients"] = need.maxRecipients.map { $0 as Any } ?? false
        view["localOnly"] = need.requireLocalResidence
        let failed = formError != nil || !errors.isEmpty || cancelError != nil
        return page.render("need", title: "\(view["position"] ?? "") — \(summary.projectName)", section: .projects,
                           status: failed ? .unprocessableContent : .ok, view)
    }

    static func changeNeed(_ page: WebPage) throws -> Response {
        let gateway = try page.gateway, id = try page.id()
        var check = FormCheck(words: page.words)
        let quantity = check.integer(page.form, "quantity", in: 1...500, required: true)
        let hours = check.integer(page.form, "responseTimeHours", in: 1...2160, required: true)
        guard check.errors.isEmpty, let quantity, let hours else { return try need(page, errors: check.errors, formError: nil, cancelError: nil) }
        var changed = try gateway.need(id)
        changed.quantity = quantity
        changed.responseTimeHours = hours
        do {
            _ = try gateway.updateNeed(changed, now: page.now)
        } catch {
            guard [.invalidInput, .conflict].contains(error.code) else { throw error }
            return try need(page, errors: FieldErrors(), formError: page.words.explain(error), cancelError: nil)
        }
        return page.redirect("/needs/\(id)", notice: .doneSaved)
    }
}
