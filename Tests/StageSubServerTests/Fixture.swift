import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import NIOCore
import StageSubCore
import StageSubServer
import StageSubStore
import Testing

/// Two orchestras with look-alike data on a real sealed data directory, and the server's router.
/// Beta has more of everything, so beta's extra ids do not exist in alpha, and every beta name carries
/// the marker "beta-only" so a leak shows in any response body.
final class Fixture: Sendable {
    static let password = "correct-horse-battery"
    let root: URL
    let clock = ManualClock(Date(timeIntervalSince1970: 1_800_000_000))
    let appliance: Appliance
    let state: ServerState
    /// Ids in beta that do not exist in alpha (musician, project, need, request).
    let betaOnly: (musician: Int64, project: Int64, need: Int64, request: Int64)
    /// Ids in alpha.
    let alpha: (musician: Int64, project: Int64, need: Int64, request: Int64, list: Int64, position: Int64)
    /// Answer tokens of alpha's pending requests.
    let alphaTokens: [String]
    let alphaKey: String
    let betaKey: String

    /// `webhookLoopback`: outgoing webhooks may go to 127.0.0.1 (a receiver the test starts), as on a test bench.
    init(demo: Bool = false, trustedProxies: [String] = [], loginSlowdownStep: Duration = .milliseconds(500), secureCookies: Bool = false,
         webhookLoopback: Bool = false) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("stagesub-server-\(UUID().uuidString)")
        let directory = DataDirectory(root: root.path, keyFile: nil)
        let clock = self.clock
        let initialised = try Appliance.initialise(directory, adminPassword: Self.password, now: { clock.now() })
        try initialised.appliance.close()
        appliance = try Appliance.open(directory, now: { clock.now() })
        var configuration = ServerConfiguration()
        configuration.publicURL = "http://stagesub.test"
        configuration.demo = demo
        configuration.trustedProxies = trustedProxies
        configuration.secureCookies = secureCookies
        configuration.loginSlowdownStep = loginSlowdownStep
        configuration.webhookPolicy = .init(allowLoopback: webhookLoopback)
        state = ServerState(appliance: appliance, configuration: configuration, clock: clock)
        let appliance = self.appliance, state = self.state

        func populate(_ slug: String, musicians: Int, projects: Int) throws -> (gateway: OrchestraGateway, musicians: [Int64], needs: [Int64], tokens: [String], list: Int64, position: Int64) {
            _ = try appliance.createOrchestra(slug: slug, name: "\(slug.capitalized) Sinfonietta", adminEmail: "admin@\(slug).test",
                                              adminUsername: "\(slug)-admin", adminPassword: Self.password)
            _ = try appliance.createUser(username: "\(slug)-user", email: "user@\(slug).test", role: .user, orchestra: slug, password: Self.password)
            let gateway = try appliance.gateway(slug, database: try state.pool.database(slug), answerBaseURL: "http://stagesub.test")
            let position = try gateway.positionId(instrument: "Cello", position: "Tutti")
            let marker = slug == "beta" ? "beta-only " : ""
            var ids: [Int64] = []
            for i in 1...musicians {
                let m = try gateway.createMusician(Musician(firstName: "\(marker)Anna\(i)", lastName: "Berg", email: "anna\(i)@\(slug).test", now: clock.now()))
                try gateway.setQualifications(musician: m.id!, positions: [position])
                ids.append(m.id!)
            }
            let list = try gateway.rankingList(position: position, type: "A")
            try gateway.setRanking(list: list, musicians: ids)
            var needs: [Int64] = [], tokens: [String] = []
            for p in 1...projects {
                let project = try gateway.createProject(name: "\(marker)Project \(p)", startDate: "2027-0\(p)-10", endDate: "2027-0\(p)-12",
                                                        rehearsalSchedule: "Mån–Ons 10–13", now: clock.now())
                let need = try gateway.createNeed(project: project.id!, position: position, quantity: 1, rankingList: list,
                                                  strategy: .parallel, responseTimeHours: 48, now: clock.now())
                needs.append(need.id!)
                tokens += try gateway.send(need: need.id!, now: clock.now()).sent.map(\.token)
            }
            return (gateway, ids, needs, tokens, list, position)
        }
        let a = try populate("alpha", musicians: 3, projects: 1)
        let b = try populate("beta", musicians: 6, projects: 2)
        let aRequest = try a.gateway.requestViews(project: 1).first!.id
        let bRequests = try b.gateway.requestViews().map(\.id)
        alpha = (a.musicians[0], 1, a.needs[0], aRequest, a.list, a.position)
        betaOnly = (b.musicians.last!, 2, b.needs.last!, bRequests.max()!)
        alphaTokens = a.tokens
        alphaKey = try appliance.createAPIKey(orchestra: "alpha", name: "integration").key
        betaKey = try appliance.createAPIKey(orchestra: "beta", name: "integration").key
        precondition(bRequests.max()! > aRequest && b.needs.last! > a.needs[0])
    }

    deinit {
        state.pool.closeAll()
        try? appliance.close()
        try? FileManager.default.removeItem(at: root)
    }

    func application() -> some ApplicationProtocol {
        Application(router: state.buildRouter())
    }

    func test<T: Sendable>(_ body: @Sendable (Client) async throws -> T) async throws -> T {
        try await application().test(.router) { client in try await body(Client(client: client)) }
    }
}

/// Credentials for a request: a session (cookie + CSRF token), an API key, or nothing.
enum Credentials: Sendable, CustomStringConvertible {
    case anonymous
    case session(cookie: String, csrf: String, who: String)
    case apiKey(String)

    var description: String {
        switch self {
        case .anonymous: return "anonymous"
        case .session(_, _, let who): return who
        case .apiKey: return "api key"
        }
    }
}

struct Reply: Sendable {
    let status: Int
    let headers: HTTPFields
    let text: String
    var json: [String: Any]? { (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] }
    var array: [Any]? { (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [Any] }
    var objects: [[String: Any]]? { array as? [[String: Any]] }
}

struct Client: Sendable {
    let client: any TestClientProtocol

    @discardableResult
    func call(_ method: HTTPRequest.Method, _ uri: String, as credentials: Credentials = .anonymous, json: String? = nil,
              body: String? = nil, contentType: String? = nil, headers extra: HTTPFields = [:], csrf: Bool = true) async throws -> Reply {
        var headers = extra
        switch credentials {
        case .anonymous: break
        case .session(let cookie, let token, _):
            headers[.cookie] = cookie
            if csrf { headers[HTTPField.Name("X-CSRF-Token")!] = token }
        case .apiKey(let key): headers[.authorization] = "Bearer \(key)"
        }
        var buffer: ByteBuffer?
        if let json {
            headers[.contentType] = contentType ?? "application/json"
            buffer = ByteBuffer(string: json)
        } else if let body {
            headers[.contentType] = contentType ?? "application/x-www-form-urlencoded"
            buffer = ByteBuffer(string: body)
        }
        let response = try await client.execute(uri: uri, method: method, headers: headers, body: buffer)
        let reply = Reply(status: Int(response.status.code), headers: response.headers, text: String(buffer: response.body))
        // Every response the suite receives is checked against the published contract.
        if method != .head {
            for problem in ContractValidator.shared.problems(method: method.rawValue, uri: uri, status: reply.status,
                                                             contentType: reply.headers[.contentType], body: reply.text) {
                Issue.record("contract: \(problem)")
            }
        }
        return reply
    }

    /// Logs in through the JSON API and returns the session's credentials.
    func login(_ username: String, password: String = Fixture.password) async throws -> Credentials {
        let reply = try await call(.post, "/api/v1/login", json: #"{"username":"\#(username)","password":"\#(password)"}"#)
        guard reply.status == 200, let cookie = reply.headers[.setCookie], let csrf = reply.json?["csrfToken"] as? String else {
            throw LoginFailed(status: reply.status, text: reply.text)
        }
        return .session(cookie: String(cookie.split(separator: ";")[0]), csrf: csrf, who: username)
    }
}

struct LoginFailed: Error { let status: Int; let text: String }
