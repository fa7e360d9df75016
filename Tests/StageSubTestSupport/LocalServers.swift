import AsyncHTTPClient
import Foundation
import NIOCore
import StageSubMail

/// A test server written in Python (a resource of this target), on 127.0.0.1: started, its port read
/// from its first line ("listening PORT"), killed when the test lets go of it.
public final class PythonServer: @unchecked Sendable {
    let process = Process()
    public let port: Int

    public init(_ script: String, _ arguments: [String] = []) throws {
        guard let path = Bundle.module.url(forResource: script, withExtension: "py") else { throw ServerFailed(output: "no \(script).py") }
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

    public struct ServerFailed: Error { public let output: String }

    deinit {
        // SIGKILL and waitpid: Foundation's waitUntilExit spins off the main thread on Linux.
        let pid = process.processIdentifier
        kill(pid, SIGKILL)
        var status: Int32 = 0
        _ = waitpid(pid, &status, 0)
    }
}

/// Resend's and Twilio's APIs and a webhook receiver as `provider_api.py` plays them, and what it saw.
public final class ProviderAPI: @unchecked Sendable {
    public static let resendKey = "re_test_key"
    public static let twilioSid = "AC" + String(repeating: "0123456789abcdef", count: 2)
    public static let twilioToken = "twilio-auth-token"
    public static let resendWebhookSecret = "whsec_" + Data("resend-webhook-test-secret-32by".utf8).base64EncodedString()

    let server: PythonServer
    public var base: String { "http://127.0.0.1:\(server.port)" }

    public init() throws { server = try PythonServer("provider_api") }

    /// The providers pointed here, with a short timeout so an answer that never comes is seen as such.
    public var providers: DeliveryProviders { DeliveryProviders(resendBaseURL: base, twilioBaseURL: base, requestTimeout: .seconds(5)) }

    /// The next answers for requests whose path starts with `path`.
    public func script(_ path: String, _ responses: [[String: Any]]) async throws {
        _ = try await post("/_script", ["path": path, "responses": responses])
    }

    public func configure(hookSecret: String) async throws { _ = try await post("/_config", ["hook_secret": hookSecret]) }

    /// The provider's clock for the signatures it makes (Svix refuses timestamps far from the receiver's now).
    public func configure(now: Date) async throws { _ = try await post("/_config", ["now": now.timeIntervalSince1970]) }

    public func requests() async throws -> [[String: Any]] { try await get("/_requests") }
    /// What the provider actually sent on (an idempotent repeat is not sent again).
    public func sent() async throws -> [[String: Any]] { try await get("/_sent") }
    /// The status callbacks and webhooks the provider would make, signed as it signs them.
    public func callbacks() async throws -> [[String: Any]] { try await get("/_callbacks") }

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
