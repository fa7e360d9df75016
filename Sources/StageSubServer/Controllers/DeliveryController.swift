import Foundation
import Hummingbird
import HTTPTypes
import StageSubCore
import StageSubMail
import StageSubStore

struct WebhookEndpointInput: APIInput {
    var url: String?
    var description: String?
    var events: [String]?
    var isActive: Bool?
    static let annotations: [String: [SchemaNote]] = ["events": [.oneOf(WebhookEventType.subscribable.map(\.rawValue))]]
}

/// What providers tell us about messages (Twilio's status callbacks, Resend's webhooks), and the
/// orchestra's outgoing webhooks: endpoints, their delivery log, "send test event".
struct DeliveryController {
    var routes: [APIRoute] {
        let admin = RouteAccess.admin
        return [
            APIRoute(method: .post, path: "/api/v1/hooks/twilio/{slug}",
                     summary: "Twilio's status callback for an SMS (signed with X-Twilio-Signature by the orchestra's auth token).",
                     access: .anonymous, requestContentType: "application/x-www-form-urlencoded", success: (204, nil), errors: [400, 403, 404, 413, 503],
                     queryParameters: [("message", Schema.integer, "the outbox message, as the StatusCallback URL names it")]) { request, _, scope in
                try await Self.twilioCallback(request, scope)
            },
            APIRoute(method: .post, path: "/api/v1/hooks/resend/{slug}",
                     summary: "Resend's webhook for an email (signed as Svix signs: svix-id, svix-timestamp, svix-signature; secret resendWebhookSecret).",
                     access: .anonymous, requestBody: .literal(Schema.object([:])), success: (204, nil), errors: [403, 404, 503]) { request, _, scope in
                try await Self.resendWebhook(request, scope)
            },
            APIRoute(method: .get, path: "/api/v1/webhooks", summary: "The orchestra's outgoing webhook endpoints.", access: admin,
                     output: [WebhookEndpoint].self) { _, _, scope in
                try scope.gateway.webhookEndpoints()
            },
            APIRoute(method: .post, path: "/api/v1/webhooks",
                     summary: "Add an endpoint: its https URL and the events it wants. The answer carries the signing secret, shown this once.",
                     access: admin, input: WebhookEndpointInput.self, status: .created, output: WebhookEndpoint.self, errors: [403]) { body, _, _, scope in
                guard let url = body.url else { throw APIError.badField("url", "is required") }
                try Self.check(url: url, scope)
                let endpoint = try scope.gateway.createWebhookEndpoint(url: url, description: body.description ?? "",
                                                                       events: try Self.events(body.events ?? []), now: scope.now)
                scope.log("added webhook endpoint \(endpoint.id)")
                return endpoint
            },
            APIRoute(method: .patch, path: "/api/v1/webhooks/{id}", summary: "Change an endpoint's URL, description, events, or switch it off.",
                     access: admin, input: WebhookEndpointInput.self, output: WebhookEndpoint.self) { body, _, _, scope in
                let id = try scope.id()
                if let url = body.url { try Self.check(url: url, scope) }
                let events = try body.events.map(Self.events)
                return try scope.gateway.updateWebhookEndpoint(id, url: body.url, description: body.description, events: events,
                                                               isActive: body.isActive)
            },
            APIRoute(method: .delete, path: "/api/v1/webhooks/{id}", summary: "Remove an endpoint and its delivery log.", access: admin,
                     success: (204, nil)) { _, _, scope in
                try scope.gateway.deleteWebhookEndpoint(try scope.id())
                return Response(status: .noContent)
            },
            APIRoute(method: .post, path: "/api/v1/webhooks/{id}/test",
                     summary: "Send a test event to the endpoint now; the answer is its delivery after the attempt (status code, error).",
                     access: admin, output: WebhookDelivery.self) { _, _, scope in
                let state = scope.state
                let delivery = try await WebhookSender.sendTest(endpoint: try scope.id(), gateway: try scope.gateway,
                                                                policy: state.configuration.webhookPolicy,
                                                                timeout: .seconds(10), now: scope.now)
                return delivery
            },
            APIRoute(method: .get, path: "/api/v1/webhooks/{id}/deliveries", summary: "The endpoint's delivery log, newest first.",
                     access: admin, output: Page<WebhookDelivery>.self, queryParameters: RouteAccess.paging) { request, _, scope in
                let (limit, offset) = try Query(request: request).page()
                return try scope.gateway.webhookDeliveries(endpoint: try scope.id(), limit: limit, offset: offset)
            },
        ]
    }

    static func check(url: String, _ scope: Scope) throws {
        if let problem = scope.state.configuration.webhookPolicy.problem(with: url) { throw APIError.badField("url", problem) }
    }

    static func events(_ names: [String]) throws -> [WebhookEventType] {
        try names.map { name in
            guard let type = WebhookEventType(rawValue: name), type != .test else {
                throw APIError.badField("events", "\(name) is not one of \(WebhookEventType.subscribable.map(\.rawValue).joined(separator: ", "))")
            }
            return type
        }
    }

    /// The gateway of the orchestra a provider's callback names; an orchestra that is not active is not found.
    static func gateway(_ scope: Scope) throws -> OrchestraGateway {
        let slug = try scope.string("slug")
        guard let orchestra = try scope.state.appliance.registry.orchestra(slug: slug), orchestra.status == .active else {
            throw APIError.notFound
        }
        return try scope.state.gateway(orchestra)
    }

    /// Twilio's status callback: the signature covers the exact URL Twilio was given (the appliance's
    /// public address, this path, `?message=<outbox id>`) and every form field.
    static func twilioCallback(_ request: Request, _ scope: Scope) async throws -> Response {
        let gateway = try gateway(scope)
        let token = try gateway.settings().twilioAuthToken
        let data = try await JSON.body(request, limit: 64 << 10)
        let fields = HTML.form(data)
        let url = scope.state.configuration.baseURL + request.uri.description
        guard WebhookSignature.isValidTwilio(signature: request.headers[HTTPField.Name("X-Twilio-Signature")!], url: url,
                                             parameters: fields.map { ($0.key, $0.value) }, authToken: token) else {
            throw APIError(.forbidden, "the X-Twilio-Signature does not match this orchestra's Twilio auth token")
        }
        guard let sid = fields["MessageSid"], !sid.isEmpty, let status = fields["MessageStatus"] else {
            throw APIError(.badRequest, "MessageSid and MessageStatus are required")
        }
        if let outbox = Query(request: request).string("message").flatMap(Int64.init) {
            try gateway.adoptProviderMessage(outbox: outbox, providerMessageId: sid, at: scope.now)
        }
        let state: DeliveryState? = switch status {
        case "delivered", "read": .delivered
        case "undelivered": .bounced
        case "failed": .failed
        default: nil  // queued, sending, sent: on its way, as the outbox already says
        }
        if let state {
            let detail = fields["ErrorCode"].flatMap { $0.isEmpty ? nil : "Twilio error \($0)" }
            try gateway.recordDeliveryState(providerMessageId: sid, state, detail: detail, at: scope.now)
        }
        return Response(status: .noContent)
    }

    /// Resend's webhook: verified as Svix signs, then the email's state.
    static func resendWebhook(_ request: Request, _ scope: Scope) async throws -> Response {
        let gateway = try gateway(scope)
        let secret = try gateway.settings().resendWebhookSecret
        let data = try await JSON.body(request, limit: 256 << 10)
        do {
            try WebhookSignature.verifySvix(id: request.headers[HTTPField.Name("svix-id")!], timestamp: request.headers[HTTPField.Name("svix-timestamp")!],
                                            signatures: request.headers[HTTPField.Name("svix-signature")!], body: data, secret: secret, now: scope.now)
        } catch {
            let why = switch error {
            case .missingHeaders: "the svix-id, svix-timestamp and svix-signature headers are required"
            case .badSecret: "this orchestra has no Resend webhook secret (resendWebhookSecret)"
            case .stale: "the svix-timestamp is more than five minutes away"
            case .mismatch: "the svix-signature does not match this orchestra's Resend webhook secret"
            }
            throw APIError(.forbidden, why)
        }
        guard let event = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any], let type = event["type"] as? String,
              let payload = event["data"] as? [String: Any], let id = payload["email_id"] as? String else {
            throw APIError(.badRequest, "the body must be a Resend event with type and data.email_id")
        }
        let state: DeliveryState? = switch type {
        case "email.delivered": .delivered
        case "email.delivery_delayed": .delayed
        case "email.bounced": .bounced
        case "email.complained": .complained
        case "email.failed": .failed
        default: nil  // sent, opened, clicked: nothing the outbox shows
        }
        if let state {
            let detail = ((payload["bounce"] as? [String: Any])?["message"] as? String) ?? ((payload["failed"] as? [String: Any])?["reason"] as? String)
            try gateway.recordDeliveryState(providerMessageId: id, state, detail: detail, at: scope.now)
        }
        return Response(status: .noContent)
    }
}
