import AsyncHTTPClient
import Foundation
import NIOCore
@testable import StageSubMail
import Testing

/// A test server written in Python (a resource of this target), on 127.0.0.1: started, its port read
/// from its first line ("listening PORT"), killed when the test lets go of it.
final class PythonServer: @unchecked Sendable {
    let process = Process()
    let port: Int

    init(_ script: String, _ arguments: [String] = []) throws {
        let path = try #require(Bundle.module.url(forResource: script, withExtension: "py"))
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [path.path] + arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        var bytes = Data()
        while !bytes.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            bytes += chunk
        }
        let line = String(decoding: bytes, as: UTF8.self)
        guard line.hasPrefix("listening "), let port = Int(line.dropFirst(10).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            process.terminate()
            throw ServerFailed(output: line)
        }
        self.port = port
    }

    struct ServerFailed: Error { let output: String }

    deinit {
        // SIGKILL and waitpid: Foundation's waitUntilExit spins off the main thread on Linux.
        let pid = process.processIdentifier
        kill(pid, SIGKILL)
        var status: Int32 = 0
        _ = waitpid(pid, &status, 0)
    }
}

/// Resend's and Twilio's APIs and a webhook receiver as `provider_api.py` plays them, and what it saw.
final class ProviderAPI: @unchecked Sendable {
    static let resendKey = "re_test_key"
    static let twilioSid = "AC" + String(repeating: "0123456789abcdef", count: 2)
    static let twilioToken = "twilio-auth-token"
    static let resendWebhookSecret = "whsec_" + Data("resend-webhook-test-secret-32by".utf8).base64EncodedString()

    let server: PythonServer
    var base: String { "http://127.0.0.1:\(server.port)" }

    init() throws { server = try PythonServer("provider_api") }

    /// The providers pointed here, with a short timeout so an answer that never comes is seen as such.
    var providers: DeliveryProviders { DeliveryProviders(resendBaseURL: base, twilioBaseURL: base, requestTimeout: .seconds(2)) }

    /// The next answers for requests whose path starts with `path`.
    func script(_ path: String, _ responses: [[String: Any]]) async throws {
        _ = try await post("/_script", ["path": path, "responses": responses])
    }

    func configure(hookSecret: String) async throws { _ = try await post("/_config", ["hook_secret": hookSecret]) }

    func requests() async throws -> [[String: Any]] { try await get("/_requests") }
    /// What the provider actually sent on (an idempotent repeat is not sent again).
    func sent() async throws -> [[String: Any]] { try await get("/_sent") }
    /// The status callbacks and webhooks the provider would make, signed as it signs them.
    func callbacks() async throws -> [[String: Any]] { try await get("/_callbacks") }

    private func get(_ path: String) async throws -> [[String: Any]] {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: base + path), timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 24)
        return try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [[String: Any]] ?? []
    }

    private func post(_ path: String, _ object: [String: Any]) async throws -> Int {
        var request = HTTPClientRequest(url: base + path)
        request.method = .POST
        request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: object)))
        return Int(try await HTTPClient.shared.execute(request, timeout: .seconds(10)).status.code)
    }
}
