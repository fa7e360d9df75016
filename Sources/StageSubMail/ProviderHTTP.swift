import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Where the providers' APIs are. Set by the operator (command line or environment), never by an
/// orchestra: an admin who could point the appliance's API calls, with their credentials, at any URL
/// could reach the appliance's own network (SSRF). Tests point them at servers on 127.0.0.1.
public struct DeliveryProviders: Sendable, Equatable {
    public var resendBaseURL = "https://api.resend.com"
    public var twilioBaseURL = "https://api.twilio.com"
    /// How long one API call may take before it counts as unanswered.
    public var requestTimeout: Duration = .seconds(30)

    public init(resendBaseURL: String = "https://api.resend.com", twilioBaseURL: String = "https://api.twilio.com",
                requestTimeout: Duration = .seconds(30)) {
        self.resendBaseURL = resendBaseURL
        self.twilioBaseURL = twilioBaseURL
        self.requestTimeout = requestTimeout
    }

    /// The defaults, with `STAGESUB_RESEND_API_URL` and `STAGESUB_TWILIO_API_URL` from the environment
    /// when they are set (an operator's test bench or a provider's regional endpoint).
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> DeliveryProviders {
        var providers = DeliveryProviders()
        if let url = environment["STAGESUB_RESEND_API_URL"], !url.isEmpty { providers.resendBaseURL = url }
        if let url = environment["STAGESUB_TWILIO_API_URL"], !url.isEmpty { providers.twilioBaseURL = url }
        return providers
    }
}

/// One HTTP exchange with a provider or an orchestra's endpoint, told apart the way the retry policy needs.
struct ProviderCall {
    /// The client every delivery shares. Redirects are never followed: a provider does not redirect its
    /// API, and a webhook receiver that redirects must not steer the appliance to another address.
    static let client: HTTPClient = {
        var pool = HTTPClient.Configuration.ConnectionPool(idleTimeout: .seconds(60))
        // Fail at once when nobody listens: the outbox retries later, the pool need not.
        pool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(
            redirectConfiguration: .disallow, timeout: .init(connect: .seconds(10)), connectionPool: pool))
    }()

    struct Answer {
        var status: Int
        var headers: HTTPHeaders
        var body: Data

        /// `Retry-After` in seconds (the HTTP-date form counts as a minute).
        var retryAfter: Double? {
            guard let value = headers.first(name: "Retry-After") else { return nil }
            return Double(value.trimmingCharacters(in: .whitespaces)) ?? 60
        }

        var json: [String: Any]? { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] }
    }

    enum Failure: Error {
        /// No connection was made: the request never left.
        case notSent(String)
        /// The request went but no whole answer came: the provider may have acted on it.
        case unanswered(String)
    }

    /// POSTs a body and reads the answer (at most 1 MiB).
    static func post(_ url: String, headers: [(String, String)], body: Data, timeout: Duration) async throws(Failure) -> Answer {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.headers.add(name: "User-Agent", value: "StageSub")
        request.body = .bytes(ByteBuffer(bytes: body))
        let (seconds, attoseconds) = timeout.components
        let amount = TimeAmount.nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        do {
            let response = try await client.execute(request, timeout: amount)
            let bytes = try await response.body.collect(upTo: 1 << 20)
            return Answer(status: Int(response.status.code), headers: response.headers, body: Data(buffer: bytes))
        } catch let error as HTTPClientError {
            switch error {
            case .connectTimeout, .tlsHandshakeTimeout, .getConnectionFromPoolTimeout, .invalidURL, .emptyHost, .emptyScheme:
                throw .notSent(describe(error))
            default:
                throw .unanswered(describe(error))
            }
        } catch {
            // Only a connection that never opened surely carried nothing. Anything else (a reset, a broken pipe)
            // may have come after the request was written: the provider may have acted on it, so it is never
            // simply sent again (Resend repeats it under the same idempotency key; an SMS is given up with a note).
            let text = String(describing: error)
            let neverOpened = ["connectionRefused", "Connection refused", "ECONNREFUSED", "EHOSTUNREACH", "ENETUNREACH", "No route",
                               "NXDOMAIN", "resolve", "handshake", "NIOSSL"].contains { text.contains($0) }
            throw neverOpened ? .notSent(describe(error)) : .unanswered(describe(error))
        }
    }

    /// A few words for the outbox: never the request, which carries credentials.
    static func describe(_ error: any Error) -> String {
        switch error {
        case let error as HTTPClientError:
            switch error {
            case .connectTimeout: return "no connection within the time allowed"
            case .readTimeout, .deadlineExceeded: return "no answer within the time allowed"
            case .remoteConnectionClosed: return "the connection closed before the answer"
            default: return "HTTP error \(String(describing: error).prefix(80))"
            }
        default:
            let text = String(describing: error)
            if text.contains("connectionRefused") || text.contains("Connection refused") || text.contains("ECONNREFUSED") { return "connection refused" }
            return String(text.prefix(100))
        }
    }
}

extension Data {
    init(buffer: ByteBuffer) { self = Data(buffer.readableBytesView) }
}
