import Foundation
import HTTPTypes
import Hummingbird
import StageSubCore
import StageSubStore
import StageSubMail

/// The admins' pages (settings, users, API keys, the audit log) and everyone's own account (language,
/// password, sessions).
struct SettingsPages {
    var pages: [PageRoute] {
        let admin = Access.orchestra(.admin)
        return [
            PageRoute(.get, "/settings", admin) { page in try Self.settings(page, errors: FieldErrors(), formError: nil) },
            PageRoute(.post, "/settings", admin) { page in try Self.saveSettings(page) },
            PageRoute(.post, "/settings/test-email", admin) { page in
                guard let user = page.user else { throw APIError(.forbidden, page.words[.onlyAdmin]) }
                let settings = try page.gateway.settings()
                let how = settings.emailTransport.rawValue + (settings.emailTransport == .smtp ? " (\(settings.smtpHost):\(settings.smtpPort.map(String.init) ?? "")" + ")" : "")
                let id = try page.gateway.queueTestEmail(to: user.email, subject: page.words[.testEmailSubject],
                                                         body: page.words[.testEmailBody] + "\n\n" + how, now: page.now)
                return page.redirect("/outbox/\(id)", notice: .doneTestEmail)
            },
            PageRoute(.get, "/users", admin) { page in try Self.users(page, errors: FieldErrors(), formError: nil, secret: nil) },
            // Adding a user, resetting or changing a password hash it with Argon2id: off the event loop.
            PageRoute(.post, "/users", admin) { page in try await Blocking.run { try Self.addUser(page) } },
            PageRoute(.post, "/users/{id}/role", admin) { page in
                let user = try Self.orchestraUser(page)
                try page.state.appliance.setRole(page.form["role"] == "admin" ? .admin : .user, of: user.username)
                return page.redirect("/users", notice: .doneSaved)
            },
            PageRoute(.post, "/users/{id}/disable", admin) { page in
                let user = try Self.orchestraUser(page)
                try page.state.appliance.disableUser(user.username)
                return page.redirect("/users", notice: .doneSaved)
            },
            PageRoute(.post, "/users/{id}/enable", admin) { page in
                let user = try Self.orchestraUser(page)
                try page.state.appliance.enableUser(user.username)
                return page.redirect("/users", notice: .doneSaved)
            },
            PageRoute(.post, "/users/{id}/password", admin) { page in
                let user = try Self.orchestraUser(page), appliance = page.state.appliance
                let secret = try await Blocking.run { try appliance.setPassword(of: user.username, to: nil) }
                return try Self.users(page, errors: FieldErrors(), formError: nil, secret: secret.map { (page.words[.newPasswordFor] + " " + user.username, $0) })
            },
            PageRoute(.get, "/api-keys", admin) { page in try Self.apiKeys(page, secret: nil, formError: nil) },
            PageRoute(.post, "/api-keys", admin) { page in
                do {
                    let (_, secret) = try page.state.appliance.createAPIKey(orchestra: try page.scope.slug, name: page.form["name"] ?? "")
                    return try Self.apiKeys(page, secret: secret, formError: nil)
                } catch let error as StoreError where error.code == .invalidInput {
                    return try Self.apiKeys(page, secret: nil, formError: page.words[.apiKeyNameRule])
                }
            },
            PageRoute(.post, "/api-keys/{id}/revoke", admin) { page in
                try page.state.appliance.revokeAPIKey(try page.id(), orchestra: try page.scope.slug)
                return page.redirect("/api-keys", notice: .doneRevoked)
            },
            PageRoute(.get, "/audit", admin) { page in try Self.audit(page) },
            PageRoute(.get, "/webhooks", admin) { page in try Self.webhooks(page, secret: nil, tested: nil, formError: nil) },
            PageRoute(.post, "/webhooks", admin) { page in
                let events = page.form.all("events").compactMap(WebhookEventType.init(rawValue:)).filter { $0 != .test }
                // The same address rule as the API's (https, no loopback unless the operator allows it): refused
                // here, not only when a delivery is tried.
                if let problem = page.state.configuration.webhookPolicy.problem(with: page.form.text("url") ?? "") {
                    return try Self.webhooks(page, secret: nil, tested: nil,
                                             formError: page.words.say("Adressen godtas inte: ", "The address is refused: ") + problem)
                }
                do {
                    let endpoint = try page.gateway.createWebhookEndpoint(url: page.form.text("url") ?? "", description: page.form.text("description") ?? "",
                                                                          events: events, now: page.now)
                    return try Self.webhooks(page, secret: endpoint.secret, tested: nil, formError: nil)
                } catch let error as StoreError where error.code == .invalidInput || error.code == .limitReached {
                    return try Self.webhooks(page, secret: nil, tested: nil, formError: page.words.explain(error))
                }
            },
            PageRoute(.post, "/webhooks/{id}/delete", admin) { page in
                try page.gateway.deleteWebhookEndpoint(try page.id())
                return page.redirect("/webhooks", notice: .doneDeleted)
            },
            PageRoute(.post, "/webhooks/{id}/test", admin) { page in
                let delivery = try await WebhookSender.sendTest(endpoint: try page.id(), gateway: try page.gateway,
                                                                policy: page.state.configuration.webhookPolicy, timeout: .seconds(10), now: page.now)
                let result = delivery.deliveredAt != nil ? "HTTP \(delivery.lastStatusCode ?? 200)"
                    : (delivery.lastError ?? delivery.lastStatusCode.map { "HTTP \($0)" } ?? delivery.status)
                return try Self.webhooks(page, secret: nil, tested: result, formError: nil)
            },
            PageRoute(.get, "/account", .authenticated) { page in try Self.account(page, errors: FieldErrors(), formError: nil) },
            PageRoute(.post, "/account/language", .authenticated) { page in
                guard let user = page.user, let id = user.id else { throw APIError(.forbidden, page.words[.errorForbiddenAdvice]) }
                try page.state.appliance.setPreferredLanguage(page.form["preferredLanguage"] == "en" ? "en" : "sv", user: id)
                return page.redirect("/account", notice: .doneSaved)
            },
            PageRoute(.post, "/account/password", .authenticated) { page in try await Blocking.run { try Self.changePassword(page) } },
            PageRoute(.post, "/account/sessions/end", .authenticated) { page in
                guard let principal = page.scope.principal else { throw APIError(.forbidden, page.words[.errorForbiddenAdvice]) }
                _ = try page.state.appliance.endOtherSessions(principal)
                return page.redirect("/account", notice: .doneSessionsEnded)
            },
        ]
    }

    // MARK: Settings

    static let timeZones = ["Europe/Stockholm", "Europe/Oslo", "Europe/Copenhagen", "Europe/Helsinki", "Europe/Berlin", "Europe/London",
                            "Europe/Amsterdam", "Europe/Vienna", "Europe/Paris", "UTC"]

    static func settings(_ page: WebPage, errors: FieldErrors, formError: String?) throws -> Response {
        let words = page.words, form = page.form
        let current = try page.gateway.settings()
        func keep(_ key: String) -> String { form.keep(key, else: current.value(of: key)) }
        func bool(_ key: String) -> String { form.keepChecked(key, else: current.value(of: key) == "true") }
        let zones = (timeZones.contains(current.timeZone) ? timeZones : [current.timeZone] + timeZones).map { ($0, $0) }
        let requestFields = [
            Field(name: "reminderPercentage", label: words[.reminderPercentage], kind: .input("number"), value: keep("reminderPercentage"),
                  hint: words[.reminderPercentageHint], min: "0", max: "100"),
            Field(name: "quietHoursStart", label: words[.quietHoursStart], kind: .input("time"), value: keep("quietHoursStart"), hint: words[.quietHoursHint]),
            Field(name: "quietHoursEnd", label: words[.quietHoursEnd], kind: .input("time"), value: keep("quietHoursEnd")),
            Field(name: "timeZone", label: words[.timeZone], kind: .select(zones), value: keep("timeZone")),
            Field(name: "conflictPolicy", label: words[.conflictPolicy], kind: .select([("warn", words[.conflictWarn]), ("skip", words[.conflictSkip])]),
                  value: keep("conflictPolicy")),
            Field(name: "listConflictMode", label: words[.listConflictMode],
                  kind: .select([("simple", words[.listConflictSimple]), ("smart", words[.listConflictSmart])]), value: keep("listConflictMode")),
            Field(name: "defaultLanguage", label: words[.defaultLanguage],
                  kind: .select([("sv", words[.languageSwedish]), ("en", words[.languageEnglish])]), value: keep("defaultLanguage")),
            Field(name: "escalationSteps", label: words[.escalationSteps], value: keep("escalationSteps"), hint: words[.escalationStepsHint],
                  autocomplete: "off", code: true),
            Field(name: "retentionYears", label: words[.retentionYears], kind: .input("number"), value: keep("retentionYears"),
                  hint: words[.retentionYearsHint], min: "0", max: "50"),
        ]
        let smsFields = [
            Field(name: "smsOnRequest", label: words[.smsOnRequest], kind: .checkbox, value: bool("smsOnRequest")),
            Field(name: "smsOnReminder", label: words[.smsOnReminder], kind: .checkbox, value: bool("smsOnReminder")),
        ]
        let emailFields = [
            Field(name: "emailTransport", label: words[.emailTransport],
                  kind: .select([("outbox", words[.transportOutbox]), ("smtp", "SMTP"), ("resend", "Resend")]), value: keep("emailTransport")),
            Field(name: "emailFrom", label: words[.emailFrom], kind: .input("email"), value: keep("emailFrom")),
            Field(name: "emailFromName", label: words[.emailFromName], value: keep("emailFromName")),
            Field(name: "emailReplyTo", label: words[.emailReplyTo], kind: .input("email"), value: keep("emailReplyTo")),
            Field(name: "smtpHost", label: words[.smtpHost], value: keep("smtpHost")),
            Field(name: "smtpPort", label: words[.smtpPort], kind: .input("number"), value: keep("smtpPort"), min: "1", max: "65535"),
            Field(name: "smtpSecurity", label: words[.smtpSecurity],
                  kind: .select([("starttls", "STARTTLS"), ("tls", "TLS"), ("none", words[.smtpNone])]), value: keep("smtpSecurity")),
            Field(name: "smtpUsername", label: words[.smtpUsername], value: keep("smtpUsername"), autocomplete: "off"),
            Field(name: "smtpPassword", label: words[.smtpPassword], kind: .input("password"), value: "",
                  hint: current.smtpPassword.isEmpty ? words[.passwordNotSet] : words[.passwordSetKeep], autocomplete: "new-password"),
            Field(name: "smtpCACertificate", label: words[.smtpCACertificate], kind: .textarea, value: keep("smtpCACertificate"),
                  hint: words[.smtpCAHint], code: true),
        ]
        func secret(_ key: String, _ label: Word) -> Field {
            Field(name: key, label: words[label], kind: .input("password"), value: "",
                  hint: (current.value(of: key) ?? "").isEmpty ? words[.passwordNotSet] : words[.passwordSetKeep], autocomplete: "new-password")
        }
        let providerFields = [
            secret("resendApiKey", .resendApiKey), secret("resendWebhookSecret", .resendWebhookSecret),
            Field(name: "smsTransport", label: words[.smsTransport], kind: .select([("outbox", words[.transportOutbox]), ("twilio", "Twilio")]),
                  value: keep("smsTransport")),
            Field(name: "twilioAccountSid", label: words[.twilioAccountSid], value: keep("twilioAccountSid"), autocomplete: "off"),
            secret("twilioAuthToken", .twilioAuthToken),
            Field(name: "twilioFromNumber", label: words[.twilioFromNumber], value: keep("twilioFromNumber"), hint: words[.twilioFromHint]),
        ]
        let view: [String: Any] = [
            "providerFields": Field.views(providerFields, errors: errors),
            "requestFields": Field.views(requestFields, errors: errors), "smsFields": Field.views(smsFields, errors: errors),
            "emailFields": Field.views(emailFields, errors: errors),
            "formError": formError ?? (errors.isEmpty ? false : words[.formHasErrors]) as Any,
        ]
        return page.render("settings", title: words[.navSettings], section: .settings,
                           status: errors.isEmpty && formError == nil ? .ok : .unprocessableContent, view)
    }

    static func saveSettings(_ page: WebPage) throws -> Response {
        let gateway = try page.gateway, form = page.form
        let current = try gateway.settings()
        var changes: [String: String] = [:]
        for key in ["reminderPercentage", "quietHoursStart", "quietHoursEnd", "timeZone", "conflictPolicy", "listConflictMode", "defaultLanguage",
                    "escalationSteps", "retentionYears", "emailTransport", "emailFrom", "emailFromName", "emailReplyTo", "smtpHost", "smtpPort", "smtpSecurity", "smtpUsername",
                    "smtpCACertificate", "smsTransport", "twilioAccountSid", "twilioFromNumber"] {
            guard let sent = form[key] else { continue }  // a field the form did not have is left as it is
            let value = sent.trimmingCharacters(in: .whitespacesAndNewlines)
            if value != current.value(of: key) ?? "" { changes[key] = value }
        }
        for key in ["smsOnRequest", "smsOnReminder"] {
            let value = form.checked(key) ? "true" : "false"
            if value != current.value(of: key) { changes[key] = value }
        }
        // The password is write-only: an empty field keeps the one stored.
        for key in ["smtpPassword", "resendApiKey", "resendWebhookSecret", "twilioAuthToken"] {
            if let secret = form[key], !secret.isEmpty { changes[key] = secret }
        }
        guard !changes.isEmpty else { return page.redirect("/settings", notice: .doneSaved) }
        do {
            try gateway.setSettings(changes)
        } catch {
            guard error.code == .invalidInput else { throw error }
            var errors = FieldErrors()
            if case .setting(let refused) = error.problem, changes[refused.key] != nil { errors.add(refused.key, page.words.settingRule(refused)) }
            return try settings(page, errors: errors, formError: errors.isEmpty ? page.words.explain(error) : nil)
        }
        page.scope.log("changed settings \(changes.keys.sorted().joined(separator: ", "))")
        return page.redirect("/settings", notice: .doneSaved)
    }

    // MARK: Users and keys

    static func orchestraUser(_ page: WebPage) throws -> User {
        let id = try page.id()
        guard let user = try page.state.appliance.users(orchestra: try page.scope.slug).first(where: { $0.id == id }) else {
            throw APIError(.notFound, page.words[.errorNotFound])
        }
        guard user.id != page.user?.id else { throw APIError(.conflict, page.words[.notYourself]) }
        return user
    }

    static func users(_ page: WebPage, errors: FieldErrors, formError: String?, secret: (note: String, value: String)?) throws -> Response {
        let words = page.words, zone = page.timeZone, language = page.language, form = page.form
        let users = try page.state.appliance.users(orchestra: try page.scope.slug)
        let fields = [
            Field(name: "username", label: words[.username], value: form.keep("username", else: nil), required: true, autocomplete: "off"),
            Field(name: "email", label: words[.email], kind: .input("email"), value: form.keep("email", else: nil), required: true, autocomplete: "off"),
            Field(name: "role", label: words[.role], kind: .select([("user", words[.roleUser]), ("admin", words[.roleAdmin])]),
                  value: form.keep("role", else: "user")),
        ]
        let view: [String: Any] = [
            "users": users.map { user -> [String: Any] in
                let admin = user.role == .admin
                return ["id": user.id ?? 0, "username": user.username, "email": user.email, "role": words.role(user.role), "active": user.active,
                        "isMe": user.id == page.user?.id, "otherRole": admin ? "user" : "admin",
                        "otherRoleLabel": admin ? words[.makeUser] : words[.makeAdmin],
                        "lastLogin": user.lastLogin.map { Format.shortDateTime($0, timeZone: zone, language: language) } ?? "–"]
            },
            "fields": Field.views(fields, errors: errors),
            "formError": formError ?? (errors.isEmpty ? false : words[.formHasErrors]) as Any,
            "secret": secret?.value ?? false as Any, "secretNote": secret?.note ?? "",
        ]
        let status: HTTPResponse.Status = errors.isEmpty && formError == nil ? (secret == nil ? .ok : .created) : .unprocessableContent
        return page.render("users", title: words[.users], section: .settings, status: status, view)
    }

    static func addUser(_ page: WebPage) throws -> Response {
        var check = FormCheck(words: page.words)
        let username = check.required(page.form, "username"), email = check.email(page.form, "email")
        guard check.errors.isEmpty, let username, let email else { return try users(page, errors: check.errors, formError: nil, secret: nil) }
        do {
            let (user, generated) = try page.state.appliance.createUser(username: username, email: email,
                                                                        role: page.form["role"] == "admin" ? .admin : .user,
                                                                        orchestra: try page.scope.slug)
            // A new colleague reads the interface in the orchestra's language until they choose their own.
            if let id = user.id { try page.state.appliance.setPreferredLanguage(try page.gateway.settings().defaultLanguage, user: id) }
            page.scope.log("created user \(user.username)")
            return try users(page, errors: FieldErrors(), formError: nil,
                             secret: generated.map { (page.words[.newPasswordFor] + " " + user.username, $0) })
        } catch let error as StoreError where [.invalidInput, .conflict].contains(error.code) {
            return try users(page, errors: FieldErrors(), formError: page.words.explain(error), secret: nil)
        }
    }

    static func apiKeys(_ page: WebPage, secret: String?, formError: String?) throws -> Response {
        let zone = page.timeZone, language = page.language
        let keys = try page.state.appliance.apiKeys(orchestra: try page.scope.slug)
        let view: [String: Any] = [
            "secret": secret ?? false as Any, "formError": formError ?? false as Any,
            "keys": keys.map { key -> [String: Any] in
                ["id": key.id ?? 0, "name": key.name, "hint": key.hint, "revoked": key.revokedAt != nil,
                 "created": Format.shortDateTime(key.createdAt, timeZone: zone, language: language),
                 "lastUsed": key.lastUsedAt.map { Format.shortDateTime($0, timeZone: zone, language: language) } ?? "–"]
            },
        ]
        return page.render("api-keys", title: page.words[.apiKeys], section: .settings,
                           status: formError != nil ? .unprocessableContent : secret == nil ? .ok : .created, view)
    }

    static func audit(_ page: WebPage) throws -> Response {
        let zone = page.timeZone, language = page.language
        let offset = max(0, page.query("offset").flatMap { Int($0) } ?? 0)
        let found = try page.gateway.auditLog(AuditFilter(actorName: page.query("who")), limit: 100, offset: offset)
        let view: [String: Any] = [
            "who": page.query("who") ?? "",
            "entries": found.items.map { entry -> [String: Any] in
                ["at": Format.shortDateTime(entry.at, timeZone: zone, language: language), "actor": entry.actorName, "action": entry.action,
                 "what": page.words.auditSentence(entry.action) ?? entry.action,
                 "target": entry.target, "address": entry.clientAddress ?? ""]
            },
            "pager": Views.pager(total: found.total, limit: 100, offset: offset, page: page),
        ]
        return page.render("audit", title: page.words[.auditLog], section: .settings, view)
    }

    static func webhooks(_ page: WebPage, secret: String?, tested: String?, formError: String?) throws -> Response {
        let gateway = try page.gateway, words = page.words, zone = page.timeZone, language = page.language
        let endpoints = try gateway.webhookEndpoints().map { endpoint -> [String: Any] in
            let deliveries = try gateway.webhookDeliveries(endpoint: endpoint.id, limit: 10, offset: 0).items
            return ["id": endpoint.id, "url": endpoint.url, "description": endpoint.description.isEmpty ? false : endpoint.description as Any,
                    "active": endpoint.isActive, "events": endpoint.events.map { words.webhookEvent($0) }.joined(separator: ", "),
                    "hasDeliveries": !deliveries.isEmpty,
                    "deliveries": deliveries.map { d -> [String: Any] in
                        ["created": Format.shortDateTime(d.createdAt, timeZone: zone, language: language), "event": words.webhookEvent(d.eventType),
                         "status": d.status, "code": d.lastStatusCode.map { $0 as Any } ?? false, "attempts": d.attempts, "error": d.lastError ?? ""]
                    }]
        }
        let view: [String: Any] = [
            "endpoints": endpoints, "secret": secret ?? false as Any, "tested": tested ?? false as Any, "formError": formError ?? false as Any,
            "eventChoices": WebhookEventType.subscribable.map { ["value": $0.rawValue, "label": words.webhookEvent($0)] },
        ]
        return page.render("webhooks", title: words[.webhooks], section: .settings, status: formError == nil ? .ok : .unprocessableContent, view)
    }

    // MARK: My account

    static func account(_ page: WebPage, errors: FieldErrors, formError: String?) throws -> Response {
        let words = page.words, zone = page.timeZone, language = page.language
        guard let user = page.user, let id = user.id else { throw APIError(.forbidden, words[.errorForbiddenAdvice]) }
        let languageField = Field(name: "preferredLanguage", label: words[.language],
                                  kind: .select([("sv", "Svenska"), ("en", "English")]), value: user.preferredLanguage)
        let passwordFields = [
            Field(name: "currentPassword", label: words[.currentPassword], kind: .input("password"), required: true, autocomplete: "current-password"),
            Field(name: "newPassword", label: words[.newPassword], kind: .input("password"), required: true, hint: words[.passwordRule],
                  autocomplete: "new-password"),
            Field(name: "repeatPassword", label: words[.repeatPassword], kind: .input("password"), required: true, autocomplete: "new-password"),
        ]
        let current = page.scope.principal?.sessionHash
        let view: [String: Any] = [
            "languageField": [languageField.view(errors: FieldErrors())],
            "passwordFields": Field.views(passwordFields, errors: errors),
            "formError": formError ?? (errors.isEmpty ? false : words[.formHasErrors]) as Any,
            "sessions": try page.state.appliance.sessions(of: id).map { session -> [String: Any] in
                ["lastSeen": Format.shortDateTime(session.lastSeenAt, timeZone: zone, language: language), "address": session.clientAddress ?? "–",
                 "agent": String((session.userAgent ?? "–").prefix(80)), "current": session.tokenHash == current]
            },
        ]
        return page.render("account", title: words[.myAccount], status: errors.isEmpty && formError == nil ? .ok : .unprocessableContent, view)
    }

    static func changePassword(_ page: WebPage) throws -> Response {
        let words = page.words, form = page.form
        guard let principal = page.scope.principal else { throw APIError(.forbidden, words[.errorForbiddenAdvice]) }
        var check = FormCheck(words: words)
        let current = check.required(form, "currentPassword"), new = check.required(form, "newPassword")
        if let new, form["repeatPassword"] != new { check.add("repeatPassword", words[.passwordsDiffer]) }
        guard check.errors.isEmpty, let current, let new else { return try account(page, errors: check.errors, formError: nil) }
        do {
            try page.state.appliance.changePassword(principal, current: current, new: new)
        } catch {
            guard error.code == .invalidInput else { throw error }
            var errors = FieldErrors()
            if error.problem == .currentPasswordWrong {
                errors.add("currentPassword", words[.wrongCurrentPassword])
            } else {
                errors.add("newPassword", words.explain(error))
            }
            return try account(page, errors: errors, formError: nil)
        }
        // Every session of the user ended with the old password, this one too.
        return HTML.redirect("/login?done=donePasswordChanged",
                             headers: [.setCookie: Authentication.cookie("", expires: nil, secure: page.state.configuration.secureCookies)])
    }
}
