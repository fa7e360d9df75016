import Foundation
import HTTPTypes
import Hummingbird
import StageSubCore
import StageSubStore

/// The superadmin's console: every orchestra with its status, plan, size, schema, last backup and health;
/// create one with its first admin; edit plan and limits; suspend and resume; back up now, download,
/// restore from the list or an upload; re-encrypt its data key; delete it after a final backup; the
/// appliance itself and its log. Every destructive action wants the orchestra's slug typed.
struct AdminPages {
    var pages: [PageRoute] {
        let admin = Access.superadmin
        return [
            // The list checks every orchestra's file, and creating one hashes its admin's password: both off the loop.
            PageRoute(.get, "/admin", admin) { page in
                try await Blocking.run { try Self.orchestras(page, errors: FieldErrors(), formError: nil, created: nil) }
            },
            PageRoute(.post, "/admin/orchestras", admin) { page in try await Blocking.run { try Self.create(page) } },
            PageRoute(.get, "/admin/orchestras/{slug}", admin) { page in
                try await Blocking.run { try Self.orchestra(page, errors: FieldErrors(), formError: nil) }
            },
            PageRoute(.post, "/admin/orchestras/{slug}/edit", admin) { page in
                let slug = try page.scope.string("slug"), form = page.form
                var check = FormCheck(words: page.words)
                let musicians = check.integer(form, "maxMusicians", in: 1...100_000, required: true)
                let projects = check.integer(form, "maxProjects", in: 1...100_000, required: true)
                guard check.errors.isEmpty else { return try Self.orchestra(page, errors: check.errors, formError: nil) }
                do {
                    _ = try page.state.appliance.updateOrchestra(slug, name: form.text("name"), plan: form.text("plan"), maxMusicians: musicians,
                                                                 maxProjects: projects, contactName: form.text("contactName"),
                                                                 contactEmail: form.text("contactEmail"))
                } catch let error as StoreError where error.code == .invalidInput {
                    return try Self.orchestra(page, errors: FieldErrors(), formError: page.words.explain(error))
                }
                page.scope.log("changed orchestra \(slug)")
                return page.redirect("/admin/orchestras/\(slug)", notice: .doneSaved)
            },
            PageRoute(.post, "/admin/orchestras/{slug}/suspend", admin) { page in
                let slug = try page.scope.string("slug")
                try page.state.appliance.suspendOrchestra(slug)
                page.state.pool.release(slug)
                return page.redirect("/admin/orchestras/\(slug)", notice: .doneSaved)
            },
            PageRoute(.post, "/admin/orchestras/{slug}/resume", admin) { page in
                let slug = try page.scope.string("slug")
                try page.state.appliance.resumeOrchestra(slug)
                return page.redirect("/admin/orchestras/\(slug)", notice: .doneSaved)
            },
            PageRoute(.post, "/admin/orchestras/{slug}/backup", admin) { page in
                let slug = try page.scope.string("slug")
                let appliance = page.state.appliance
                _ = try await Blocking.run { try appliance.backup(slug, reason: "console") }
                page.scope.log("backed up \(slug)")
                return page.redirect("/admin/orchestras/\(slug)#backups", notice: .doneBackup)
            },
            PageRoute(.post, "/admin/orchestras/{slug}/restore", admin) { page in
                let slug = try page.scope.string("slug")
                guard page.form.text("confirm") == slug else { return try Self.orchestra(page, errors: FieldErrors(), formError: page.words[.errorTypeSlug]) }
                guard let file = page.state.appliance.backupFiles(slug).first(where: { $0.lastPathComponent == page.form["file"] }) else {
                    throw APIError(.notFound, page.words[.errorNotFound])
                }
                try await Self.restore(page, slug: slug, file: file, passphrase: nil)
                return page.redirect("/admin/orchestras/\(slug)", notice: .doneRestoredBackup)
            },
            PageRoute(.post, "/admin/orchestras/{slug}/restore-upload", admin) { page in
                let slug = try page.scope.string("slug")
                guard page.form.text("confirm") == slug else { return try Self.orchestra(page, errors: FieldErrors(), formError: page.words[.errorTypeSlug]) }
                guard let upload = page.form.uploads["file"], !upload.data.isEmpty else { throw APIError(.badRequest, page.words[.errorChooseFile]) }
                let temporary = FileManager.default.temporaryDirectory.appendingPathComponent("stagesub-upload-\(UUID().uuidString).stagesub-backup")
                try upload.data.write(to: temporary, options: [.atomic])
                defer { try? FileManager.default.removeItem(at: temporary) }
                do {
                    try await Self.restore(page, slug: slug, file: temporary, passphrase: page.form["passphrase"].flatMap { $0.isEmpty ? nil : $0 })
                } catch let error as StoreError where [.invalidInput, .damaged, .wrongKey, .conflict, .notSealed].contains(error.code) {
                    return try Self.orchestra(page, errors: FieldErrors(), formError: page.words[.restoreRefused] + " " + page.words.explain(error))
                }
                return page.redirect("/admin/orchestras/\(slug)", notice: .doneRestoredBackup)
            },
            PageRoute(.post, "/admin/orchestras/{slug}/rekey", admin) { page in
                let slug = try page.scope.string("slug"), state = page.state
                guard page.form.text("confirm") == slug else { return try Self.orchestra(page, errors: FieldErrors(), formError: page.words[.errorTypeSlug]) }
                // The orchestra answers 503 for the seconds of the swap, as during a restore.
                try await state.maintenance.during(slug) {
                    state.pool.release(slug)
                    defer { state.pool.release(slug) }
                    try state.appliance.rekeyOrchestra(slug)
                }
                page.scope.log("re-encrypted \(slug) with a new data key")
                return page.redirect("/admin/orchestras/\(slug)", notice: .doneRekeyed)
            },
            PageRoute(.post, "/admin/orchestras/{slug}/delete", admin) { page in
                let slug = try page.scope.string("slug"), state = page.state
                guard page.form.text("confirm") == slug else { return try Self.orchestra(page, errors: FieldErrors(), formError: page.words[.errorTypeSlug]) }
                let backup = try await state.maintenance.during(slug) {
                    state.pool.release(slug)
                    return try state.appliance.deleteOrchestra(slug, confirmed: true)
                }
                page.scope.log("deleted orchestra \(slug); final backup \(backup.file.lastPathComponent)")
                return page.redirect("/admin", notice: .doneOrchestraDeleted)
            },
            PageRoute(.get, "/admin/backups", admin) { page in try await Blocking.run { try Self.backups(page) } },
            PageRoute(.get, "/admin/system", admin) { page in try Self.system(page) },
        ]
    }

    static func restore(_ page: WebPage, slug: String, file: URL, passphrase: String?) async throws {
        let state = page.state
        let result = try await state.maintenance.during(slug) {
            state.pool.release(slug)
            defer { state.pool.release(slug) }
            return try state.appliance.restore(file, as: slug, passphrase: passphrase)
        }
        page.scope.log("restored \(slug) from a backup of \(result.manifest.createdAt)")
    }

    /// A backup file as the console lists it.
    static func backupRow(_ slug: String, _ file: URL, zone: String, language: Language) -> [String: Any] {
        let view = SuperadminController.backupView(slug, file)
        return ["slug": slug, "file": view.file, "size": size(view.sizeBytes),
                "created": view.createdAt.map { Format.shortDateTime($0, timeZone: zone, language: language) } ?? "–"]
    }

    static func size(_ bytes: Int) -> String {
        bytes >= 1 << 20 ? String(format: "%.1f MB", Double(bytes) / Double(1 << 20)) : "\(max(1, bytes / 1024)) kB"
    }

    static func health(_ page: WebPage, _ slug: String) -> (String, String) {
        let (opens, check) = page.state.pool.quickCheck(slug)
        guard opens else { return (page.words[.healthUnreadable], "s-bad") }
        return check == "ok" ? (page.words[.healthOK], "s-ok") : (page.words[.healthDamaged] + " (\(check))", "s-bad")
    }

    static func orchestras(_ page: WebPage, errors: FieldErrors, formError: String?, created: (name: String, admin: String, password: String)?) throws -> Response {
        let words = page.words, appliance = page.state.appliance, zone = page.timeZone, language = page.language, form = page.form
        let backups = try appliance.lastBackups()
        let rows = try appliance.orchestraSummaries().map { summary -> [String: Any] in
            let (health, healthClass) = summary.status == .active ? health(page, summary.slug) : (words[.healthNotChecked], "s-none")
            return ["slug": summary.slug, "name": summary.name, "status": words.orchestraStatus(summary.status),
                    "statusClass": summary.status == .active ? "s-ok" : "s-warn", "active": summary.status == .active,
                    "plan": summary.plan, "users": summary.users, "size": size(summary.sizeBytes),
                    "schema": summary.schemaVersion.map(String.init) ?? "?", "health": health, "healthClass": healthClass,
                    "lastBackup": backups[summary.slug].map { Format.shortDateTime($0, timeZone: zone, language: language) } ?? words[.never]]
        }
        let fields = [
            Field(name: "slug", label: words[.slug], value: form.keep("slug", else: nil), required: true, hint: words[.slugHint], autocomplete: "off"),
            Field(name: "name", label: words[.orchestraName], value: form.keep("name", else: nil), required: true),
            Field(name: "adminEmail", label: words[.adminEmail], kind: .input("email"), value: form.keep("adminEmail", else: nil), required: true),
            Field(name: "adminUsername", label: words[.adminUsername], value: form.keep("adminUsername", else: nil), hint: words[.adminUsernameHint]),
        ]
        var view: [String: Any] = ["orchestras": rows, "fields": Field.views(fields, errors: errors),
                                   "inside": page.scope.principal?.orchestra?.name ?? false as Any,
                                   "formError": formError ?? (errors.isEmpty ? false : words[.formHasErrors]) as Any, "created": created != nil]
        if let created { view["createdName"] = created.name; view["createdAdmin"] = created.admin; view["createdPassword"] = created.password }
        let status: HTTPResponse.Status = formError != nil || !errors.isEmpty ? .unprocessableContent : created != nil ? .created : .ok
        return page.render("superadmin", title: words[.superadminTitle], status: status, view)
    }

    static func create(_ page: WebPage) throws -> Response {
        var check = FormCheck(words: page.words)
        let slug = check.required(page.form, "slug"), name = check.required(page.form, "name"), email = check.email(page.form, "adminEmail")
        guard check.errors.isEmpty, let slug, let name, let email else { return try orchestras(page, errors: check.errors, formError: nil, created: nil) }
        do {
            let made = try page.state.appliance.createOrchestra(slug: slug, name: name, adminEmail: email, adminUsername: page.form.text("adminUsername"))
            page.scope.log("created orchestra \(slug)")
            return try orchestras(page, errors: FieldErrors(), formError: nil,
                                  created: (name, made.admin.username, made.generatedPassword ?? ""))
        } catch let error as StoreError where [.invalidInput, .conflict, .fileExists].contains(error.code) {
            return try orchestras(page, errors: FieldErrors(), formError: page.words.explain(error), created: nil)
        }
    }

    static func orchestra(_ page: WebPage, errors: FieldErrors, formError: String?) throws -> Response {
        let words = page.words, appliance = page.state.appliance, zone = page.timeZone, language = page.language, form = page.form
        let slug = try page.scope.string("slug")
        let orchestra = try appliance.orchestra(slug)
        guard let summary = try appliance.orchestraSummaries().first(where: { $0.slug == slug }) else { throw APIError(.notFound, words[.errorNotFound]) }
        let (health, healthClass) = orchestra.status == .active ? health(page, slug) : (words[.healthNotChecked], "s-none")
        let pending = (try? appliance.pendingMigrations().first { $0.slug == slug }?.pending) ?? nil
        let fields = [
            Field(name: "name", label: words[.orchestraName], value: form.keep("name", else: orchestra.name), required: true),
            Field(name: "plan", label: words[.plan], value: form.keep("plan", else: orchestra.plan)),
            Field(name: "maxMusicians", label: words[.maxMusicians], kind: .input("number"), value: form.keep("maxMusicians", else: String(orchestra.maxMusicians)),
                  required: true, min: "1", max: "100000"),
            Field(name: "maxProjects", label: words[.maxProjects], kind: .input("number"), value: form.keep("maxProjects", else: String(orchestra.maxProjects)),
                  required: true, min: "1", max: "100000"),
            Field(name: "contactName", label: words[.contactName], value: form.keep("contactName", else: orchestra.contactName)),
            Field(name: "contactEmail", label: words[.contactEmail], kind: .input("email"), value: form.keep("contactEmail", else: orchestra.contactEmail)),
        ]
        let view: [String: Any] = [
            "slug": slug, "name": orchestra.name, "status": words.orchestraStatus(orchestra.status),
            "statusClass": orchestra.status == .active ? "s-ok" : "s-warn", "active": orchestra.status == .active,
            "users": summary.users, "size": size(summary.sizeBytes), "schema": summary.schemaVersion.map(String.init) ?? "?",
            "health": health, "healthClass": healthClass, "pending": pending.map { $0.isEmpty ? words[.none] : $0.joined(separator: ", ") } ?? "–",
            "lastBackup": try appliance.lastBackups()[slug].map { Format.dateTime($0, timeZone: zone, language: language) } ?? words[.never],
            "fields": Field.views(fields, errors: errors), "formError": formError ?? (errors.isEmpty ? false : words[.formHasErrors]) as Any,
            "backups": appliance.backupFiles(slug).reversed().map { backupRow(slug, $0, zone: zone, language: language) },
        ]
        return page.render("admin-orchestra", title: orchestra.name, status: errors.isEmpty && formError == nil ? .ok : .unprocessableContent, view)
    }

    static func backups(_ page: WebPage) throws -> Response {
        let appliance = page.state.appliance, words = page.words, zone = page.timeZone, language = page.language
        var rows: [[String: Any]] = []
        for orchestra in try appliance.registry.orchestras() {
            rows += appliance.backupFiles(orchestra.slug).reversed().map { backupRow(orchestra.slug, $0, zone: zone, language: language) }
        }
        let schedule = page.state.configuration.backupSchedule.map { s in
            words[.backupSchedule] + String(format: " %02d:%02d", s.hour, s.minute) + " (\(s.timeZone.identifier)), " + words[.backupKeep] + " \(s.keep)"
        } ?? words[.backupScheduleOff]
        return page.render("admin-backups", title: words[.backups], ["backups": rows, "schedule": schedule])
    }

    static func system(_ page: WebPage) throws -> Response {
        let state = page.state, words = page.words, zone = page.timeZone, language = page.language
        let series = state.sampleAppliance()
        let directory = state.appliance.directory
        let keyInside = directory.keyFile.path.hasPrefix(directory.root.path + "/")
        let uptime = Int(state.clock.now().timeIntervalSince(state.startedAt) / 3600)
        let view: [String: Any] = [
            "version": StageSubVersion.current, "uptime": "\(uptime / 24) d \(uptime % 24) h", "dataDirectory": directory.root.path,
            "keySource": directory.keyFile.path + (keyInside ? " — " + words[.keyInsideWarning] : ""),
            "diskFree": series.diskFreeBytes.map { size($0) } ?? "?", "openDatabases": state.pool.openSlugs.count,
            "log": try state.appliance.registry.recentLog(limit: 200).map { entry -> [String: Any] in
                ["at": Format.shortDateTime(entry.timestamp, timeZone: zone, language: language), "level": entry.level,
                 "category": entry.category, "message": entry.message]
            },
        ]
        return page.render("admin-system", title: words[.appliance], view)
    }
}
