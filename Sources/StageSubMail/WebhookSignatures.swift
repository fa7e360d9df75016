import Crypto
import Foundation

/// The signatures on webhooks: Twilio's and Resend's on what they send us, ours on what we send an
/// orchestra's systems. Every comparison takes the same time whatever matches.
public enum WebhookSignature {
    /// Twilio's `X-Twilio-Signature`: base64 of HMAC-SHA1, keyed with the auth token, over the full URL
    /// Twilio called followed by every POST parameter's name and value, sorted by name.
    public static func twilio(url: String, parameters: [(String, String)], authToken: String) -> String {
        let text = url + parameters.sorted { $0.0 == $1.0 ? $0.1 < $1.1 : $0.0 < $1.0 }.map { $0.0 + $0.1 }.joined()
        let mac = HMAC<Insecure.SHA1>.authenticationCode(for: Data(text.utf8), using: SymmetricKey(data: Data(authToken.utf8)))
        return Data(mac).base64EncodedString()
    }

    public static func isValidTwilio(signature: String?, url: String, parameters: [(String, String)], authToken: String) -> Bool {
        guard let signature, !authToken.isEmpty else { return false }
        return constantTimeEqual(signature, twilio(url: url, parameters: parameters, authToken: authToken))
    }

    /// Why a Resend (Svix) webhook was not believed.
    public enum SvixProblem: Error, Equatable {
        case missingHeaders, badSecret, stale, mismatch
    }

    /// Resend signs as Svix does: `svix-signature` holds one or more `v1,<base64>` of HMAC-SHA256, keyed
    /// with the base64 part of the `whsec_` secret, over `svix-id.svix-timestamp.body`. A timestamp more
    /// than `tolerance` seconds from now is refused, so a recorded request cannot be replayed later.
    public static func verifySvix(id: String?, timestamp: String?, signatures: String?, body: Data, secret: String,
                                  now: Date, tolerance: TimeInterval = 300) throws(SvixProblem) {
        guard let id, let timestamp, let signatures, !id.isEmpty else { throw .missingHeaders }
        guard secret.hasPrefix("whsec_"), let key = Data(base64Encoded: String(secret.dropFirst(6))), !key.isEmpty else { throw .badSecret }
        guard let seconds = TimeInterval(timestamp), abs(now.timeIntervalSince1970 - seconds) <= tolerance else { throw .stale }
        let expected = svix(id: id, timestamp: timestamp, body: body, key: key)
        let offered = signatures.split(separator: " ").compactMap { entry -> String? in
            let parts = entry.split(separator: ",", maxSplits: 1)
            return parts.count == 2 && parts[0] == "v1" ? String(parts[1]) : nil
        }
        guard offered.contains(where: { constantTimeEqual($0, expected) }) else { throw .mismatch }
    }

    static func svix(id: String, timestamp: String, body: Data, key: Data) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("\(id).\(timestamp).".utf8) + body, using: SymmetricKey(data: key))
        return Data(mac).base64EncodedString()
    }

    /// Ours, `X-StageSub-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`: a receiver
    /// recomputes it with the endpoint's secret and refuses old timestamps.
    public static func stageSub(timestamp: Int, body: Data, secret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("\(timestamp).".utf8) + body, using: SymmetricKey(data: Data(secret.utf8)))
        return "t=\(timestamp),v1=" + mac.map { String(format: "%02x", $0) }.joined()
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
