import Foundation
import StageSubCore
import StageSubStore

/// The OpenAPI 3.1 document, made from the same route table as the router.
enum OpenAPI {
    static let document: Data = (try? JSON.encoder.encode(build(ServerState.routes))) ?? Data()

    static let statusText: [Int: String] = [
        200: "OK", 201: "Created", 204: "No content", 303: "Redirect", 400: "Malformed input: the message names the field",
        401: "Not logged in, or wrong credentials", 403: "Not allowed for this role, missing CSRF token, or suspended",
        404: "Not found (also: belongs to another orchestra)", 409: "The current state does not allow it",
        410: "Expired", 413: "Body too large", 415: "Wrong content type", 422: "Rejected rows, by line", 429: "Too many failed logins",
        503: "Being restored or busy; try again",
    ]

    static func build(_ routes: [APIRoute]) -> JSONValue {
        var paths: [(String, [(String, JSONValue)])] = []
        for route in routes {
            var operation: [(String, JSONValue)] = [
                ("summary", .string(route.summary)),
                ("operationId", .string(route.method.rawValue.lowercased() + route.path.replacingOccurrences(of: "{", with: "by_")
                    .replacingOccurrences(of: "}", with: "").split(whereSeparator: { !$0.isLetter && !$0.isNumber && $0 != "_" }).joined(separator: "_"))),
                ("x-access", .string(route.access.label)),
            ]
            var parameters = route.pathParameters.map { name in
                JSONValue.object([("name", .string(name)), ("in", .string("path")), ("required", .bool(true)),
                                  ("schema", name == "slug" || name == "token" || name == "file" ? Schema.string : Schema.integer)])
            }
            parameters += route.queryParameters.map { parameter in
                JSONValue.object([("name", .string(parameter.name)), ("in", .string("query")), ("required", .bool(false)),
                                  ("description", .string(parameter.description)), ("schema", parameter.schema)])
            }
            if !parameters.isEmpty { operation.append(("parameters", .array(parameters))) }
            if let body = route.requestBody {
                operation.append(("requestBody", .object([("required", .bool(true)),
                    ("content", .object([(route.requestContentType, .object([("schema", body)]))]))])))
            } else if route.requestContentType != "application/json" {
                operation.append(("requestBody", .object([("required", .bool(true)),
                    ("content", .object([(route.requestContentType, .object([("schema", Schema.object([:]))]))]))])))
            }
            var responses: [(String, JSONValue)] = []
            for status in route.statuses {
                var response: [(String, JSONValue)] = [("description", .string(statusText[status] ?? "\(status)"))]
                if status == route.success.status, status != 204, status != 303 {
                    let schema = route.success.schema ?? Schema.string
                    response.append(("content", .object([(route.produces, .object([("schema", schema)]))])))
                } else if let report = route.reportSchemas[status] {
                    response.append(("content", .object([("application/json", .object([("schema", report)]))])))
                } else if status >= 400, route.produces == "application/json" || route.path.hasPrefix("/api/") {
                    response.append(("content", .object([("application/json", .object([("schema", Schema.ref("Error"))]))])))
                }
                responses.append((String(status), .object(response)))
            }
            operation.append(("responses", .object(responses)))
            if case .anonymous = route.access {} else {
                operation.append(("security", .array([.object([("session", .array([]))]), .object([("apiKey", .array([]))])])))
            }
            if let index = paths.firstIndex(where: { $0.0 == route.path }) {
                paths[index].1.append((route.method.rawValue.lowercased(), .object(operation)))
            } else {
                paths.append((route.path, [(route.method.rawValue.lowercased(), .object(operation))]))
            }
        }
        return .object([
            ("openapi", .string("3.1.0")),
            ("info", .object([("title", .string("StageSub")), ("version", .string(StageSubVersion.current)),
                              ("description", .string("Substitute musicians for orchestras. Log in with POST /api/v1/login (cookie session; "
                                + "send X-CSRF-Token on changes) or send an orchestra API key as Authorization: Bearer. "
                                + "Every orchestra route works in the caller's own orchestra only."))])),
            ("paths", .object(paths.map { ($0.0, .object($0.1)) })),
            ("components", .object([
                ("securitySchemes", .object([
                    ("session", .object([("type", .string("apiKey")), ("in", .string("cookie")), ("name", .string(Authentication.sessionCookie))])),
                    ("apiKey", .object([("type", .string("http")), ("scheme", .string("bearer"))])),
                ])),
                ("schemas", .object(schemas)),
            ])),
        ])
    }

    /// The shapes the routes send, property by property (the tests check every response body against
    /// them, objects closed: a property sent but not named here fails the suite).
    static var schemas: [(String, JSONValue)] {
        let id = Schema.integer, text = Schema.string, optionalText = Schema.nullable(Schema.string)
        let optionalId = Schema.nullable(id), optionalMoment = Schema.nullable(Schema.dateTime), rate = Schema.nullable(Schema.number)
        return [
            ("Error", Schema.object(["error": Schema.object(["status": id, "message": text])])),
            ("Orchestra", Schema.object(["slug": text, "name": text, "status": Schema.enumeration(["pending", "active", "suspended"]), "plan": text,
                                         "maxMusicians": id, "maxProjects": id, "contactName": text, "contactEmail": text, "createdAt": Schema.dateTime,
                                         "schemaVersion?": optionalId, "sizeBytes?": optionalId, "users?": optionalId])),
            ("Session", Schema.object(["user?": Schema.ref("User"), "orchestra?": Schema.ref("Orchestra"), "csrfToken?": text, "expiresAt?": optionalMoment])),
            ("User", Schema.object(["id": id, "username": text, "email": text, "role": Schema.enumeration(["superadmin", "admin", "user"]),
                                    "active": Schema.boolean, "orchestra?": optionalText, "lastLogin?": optionalMoment])),
            ("APIKey", Schema.object(["id": id, "name": text, "hint": text, "createdAt": Schema.dateTime, "key?": text])),
            ("Musician", Schema.object(["id": id, "firstName": text, "lastName": text, "email": text, "phone?": optionalText,
                                        "preferredLanguage": Schema.enumeration(["sv", "en"]), "localResidence": Schema.boolean, "notes?": optionalText,
                                        "isActive": Schema.boolean, "isArchived": Schema.boolean, "positionIds?": Schema.array(id)])),
            ("InstrumentRecord", Schema.object(["id": id, "name": text, "nameEn": text, "displayOrder": id, "isArchived": Schema.boolean])),
            ("Position", Schema.object(["id": id, "instrumentId": id, "name": text, "nameEn": text, "hierarchyLevel": id, "isArchived": Schema.boolean])),
            ("Instrument", Schema.object(["instrument": Schema.ref("InstrumentRecord"), "positions": Schema.array(Schema.ref("Position"))])),
            ("RankingList", Schema.object(["id": id, "positionId": id, "listType": Schema.enumeration(["A", "B", "C"]), "description?": optionalText,
                                            "musicianIds": Schema.array(id), "usedByNeeds": Schema.array(id)])),
            ("Project", Schema.object(["id": id, "name": text, "startDate": Schema.date, "endDate?": Schema.nullable(Schema.date), "weekNumber": id,
                                       "rehearsalSchedule?": optionalText, "concertInfo?": optionalText, "notes?": optionalText,
                                       "archivedAt?": optionalMoment, "createdAt": Schema.dateTime, "updatedAt": Schema.dateTime,
                                       "location?": optionalText])),
            ("Need", Schema.object(["id": id, "projectId": id, "positionId": id, "quantity": id, "rankingListId?": optionalId,
                                    "customRankingListId?": optionalId, "strategy": Schema.enumeration(RequestStrategy.allCases.map(\.rawValue)),
                                    "maxRecipients?": optionalId, "responseTimeHours": id, "requireLocalResidence": Schema.boolean,
                                    "status": Schema.enumeration(NeedStatus.allCases.map(\.rawValue)), "createdAt": Schema.dateTime,
                                    "updatedAt": Schema.dateTime, "sendingStartedAt?": optionalMoment, "escalationStep?": id])),
            ("Plan", Schema.object(["needId": id,
                                    "ask": Schema.array(Schema.object(["musicianId": id, "name": text, "conflictProjectId?": optionalId])),
                                    "queue": Schema.array(Schema.object(["musicianId": id, "name": text, "conflictProjectId?": optionalId])),
                                    "passed": Schema.array(Schema.object(["musicianId": id, "name": text, "reason": text, "detail?": optionalId])),
                                    "accepted": id, "pending": id, "hold?": optionalText, "escalation?": Schema.nullable(PlanView.Escalation.schema)])),
            ("Sent", Schema.object(["needId": id, "sent": Schema.array(Schema.object(["requestId": id, "musicianId": id]))])),
            ("Request", Schema.object(["id": id, "needId": id, "musicianId": id, "musicianName": text,
                                       "status": Schema.enumeration(RequestStatus.allCases.map(\.rawValue)), "sentAt": Schema.dateTime,
                                       "reminderSentAt?": optionalMoment, "deadlineAt": Schema.dateTime, "respondedAt?": optionalMoment,
                                       "conflictProjectId?": optionalId, "withdrawnAt?": optionalMoment, "bookedDirectly": Schema.boolean])),
            ("File", Schema.object(["id": id, "projectId": id, "needId?": optionalId, "fileName": text, "mimeType": text, "sizeBytes": id,
                                    "sendWith": Schema.enumeration(["request", "confirmation"]), "createdAt": Schema.dateTime])),
            ("Message", Schema.object(["id": id, "requestId?": optionalId, "musicianId?": optionalId, "projectId?": optionalId,
                                       "type": Schema.enumeration(MessageType.allCases.map(\.rawValue)),
                                       "channel": Schema.enumeration(MessageChannel.allCases.map(\.rawValue)), "recipient": text,
                                       "subject": text, "body": text, "status": Schema.enumeration(MessageStatus.allCases.map(\.rawValue)),
                                       "attempts": id, "nextAttemptAt?": optionalMoment, "sentAt?": optionalMoment, "lastError?": optionalText,
                                       "createdAt": Schema.dateTime, "providerMessageId?": optionalText,
                                       "deliveryState?": Schema.nullable(Schema.enumeration(DeliveryState.allCases.map(\.rawValue))),
                                       "deliveryStateAt?": optionalMoment, "deliveryDetail?": optionalText])),
            ("WebhookEndpoint", Schema.object(["id": id, "url": text, "description": text,
                                               "events": Schema.array(Schema.enumeration(WebhookEventType.subscribable.map(\.rawValue))),
                                               "isActive": Schema.boolean, "createdAt": Schema.dateTime, "secret?": text])),
            ("WebhookDelivery", Schema.object(["id": id, "endpointId": id, "eventType": Schema.enumeration(WebhookEventType.allCases.map(\.rawValue)),
                                               "payload": text, "status": Schema.enumeration(["queued", "delivered", "failed"]), "attempts": id,
                                               "nextAttemptAt?": optionalMoment, "lastStatusCode?": optionalId, "lastError?": optionalText,
                                               "deliveredAt?": optionalMoment, "createdAt": Schema.dateTime])),
            ("MusicianFigures", Schema.object(["musicianId": id, "name": text, "requests": id, "accepted": id, "declined": id, "timedOut": id,
                                               "withdrawn": id, "bookedDirectly": id, "acceptanceRate?": rate, "responseRate?": rate,
                                               "medianResponseHours?": rate])),
            ("Statistics", Schema.object(["needsOpen": id, "needsFilled": id, "needsPaused": id, "needsCancelled": id, "medianHoursToFill?": rate,
                                          "needsFilledWithDirectBooking": id, "pendingRequests": id, "acceptanceRate?": rate, "responseRate?": rate,
                                          "musicians": Schema.array(Schema.ref("MusicianFigures"))])),
            ("AuditEntry", Schema.object(["id": id, "at": Schema.dateTime, "actorKind": Schema.enumeration(AuditEntry.ActorKind.allCases.map(\.rawValue)),
                                          "actorId?": optionalId, "actorName": text, "action": text, "target": text,
                                          "clientAddress?": optionalText, "status": id])),
            ("Blackout", BlackoutView.schema),
            ("MusicianLink", LinkView.schema),
            ("MusicianExport", ExportView.schema),
            ("ImportReport", Schema.object(["musicians": id, "committed": Schema.boolean,
                                            "issues": Schema.array(Schema.object(["line": id, "message": text])), "ignoredColumns": Schema.array(text)])),
            ("Backup", Schema.object(["orchestra": text, "file": text, "sizeBytes": id, "createdAt?": optionalMoment, "schemaVersion?": optionalId])),
            ("Health", Schema.object(["orchestra": text, "status": text, "opens": Schema.boolean, "quickCheck": text, "schemaVersion?": optionalId,
                                      "sizeBytes": id, "lastBackup?": optionalMoment])),
        ]
    }
}
