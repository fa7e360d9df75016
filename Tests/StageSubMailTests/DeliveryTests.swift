import Foundation
import StageSubCore
@testable import StageSubMail
@testable import StageSubStore
import StageSubTestSupport
import Testing

/// A real SMTP server (aiosmtpd, run by Debian's python3) that saves what it accepts, parsed by Python's
/// own email package.
final class SMTPSink: @unchecked Sendable {
    let server: PythonServer
    let folder: URL
    var port: Int { server.port }

    init(_ arguments: [String] = []) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("smtp-sink-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        server = try PythonServer("smtp_sink", ["--dir", folder.path] + arguments)
    }

    /// What the server accepted, oldest first.
    func received() throws -> [[String: Any]] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") }.sorted().map {
            try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent($0))) as? [String: Any] ?? [:]
        }
    }

    deinit { try? FileManager.default.removeItem(at: folder) }
}

/// An appliance with one orchestra whose need was sent to two musicians: two request emails in the outbox,
/// with a file that goes with requests.
final class MailFixture: @unchecked Sendable {
    let root: URL
    let clock = ManualClock(Date(timeIntervalSince1970: 1_800_000_000))
    let appliance: Appliance
    let pool: OrchestraPool
    let gateway: OrchestraGateway
    let pdf = Data((0..<3000).map { UInt8($0 % 251) })

    /// Answer tokens of the two requests, in musician order.
    private(set) var tokens: [String] = []

    /// `phones` and `settings` (SMS on, webhook endpoints made by `before`) take effect before the need is sent.
    init(musicianEmails: [String] = ["asa.lind@example.org", "bo@example.org"], phones: [String?] = [], settings: [String: String] = [:],
         before: (OrchestraGateway) throws -> Void = { _ in }) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("stagesub-mail-\(UUID().uuidString)")
        let directory = DataDirectory(root: root.path, keyFile: nil)
        let clock = self.clock
        try Appliance.initialise(directory, adminPassword: "correct-horse-battery", now: { clock.now() }).appliance.close()
        appliance = try Appliance.open(directory, now: { clock.now() })
        _ = try appliance.createOrchestra(slug: "gso", name: "Göteborgs Symfoniker", adminEmail: "kansli@gso.test",
                                          adminPassword: "correct-horse-battery")
        pool = OrchestraPool(appliance: appliance)
        gateway = try appliance.gateway("gso", database: try pool.database("gso"), answerBaseURL: "https://vikarier.example.org")
        let position = try gateway.positionId(instrument: "Cello", position: "Tutti")
        var ids: [Int64] = []
        for (index, email) in musicianEmails.enumerated() {
            let musician = try gateway.createMusician(Musician(firstName: index == 0 ? "Åsa" : "Bo", lastName: "Lind", email: email,
                                                               phone: index < phones.count ? phones[index] : nil, now: clock.now()))
            try gateway.setQualifications(musician: musician.id!, positions: [position])
            ids.append(musician.id!)
        }
        let list = try gateway.rankingList(position: position, type: "A")
        try gateway.setRanking(list: list, musicians: ids)
        let project = try gateway.createProject(name: "Mahler 5 — vår", startDate: "2027-05-03", endDate: "2027-05-06",
                                                rehearsalSchedule: "Mån–Ons 10–13", now: clock.now())
        let need = try gateway.createNeed(project: project.id!, position: position, quantity: 2, rankingList: list,
                                          strategy: .parallel, responseTimeHours: 48, now: clock.now())
        _ = try gateway.attachFile(pdf, name: "Stämma cello.pdf", mimeType: "application/pdf", to: .need(need.id!), sendWith: .request,
                                   now: clock.now())
        try gateway.setSettings(settings)
        try before(gateway)
        tokens = try gateway.send(need: need.id!, now: clock.now()).sent.map(\.token)
    }

    func service(providers: DeliveryProviders = DeliveryProviders(), webhooks: OutgoingWebhookPolicy = .init()) -> OutboxDeliveryService {
        OutboxDeliveryService(pool: pool, clock: clock, answerBaseURL: "https://vikarier.example.org", providers: providers, webhookPolicy: webhooks)
    }

    func emails(_ status: String? = nil) throws -> [OutboxMessage] { try messages(.email, status) }

    /// The outbox's messages of a channel, oldest first.
    func messages(_ channel: MessageChannel, _ status: String? = nil) throws -> [OutboxMessage] {
        try gateway.outbox(status: status, limit: 100, offset: 0).items.filter { $0.channel == channel }.sorted { $0.id! < $1.id! }
    }

    deinit {
        pool.closeAll()
        try? appliance.close()
        try? FileManager.default.removeItem(at: root)
    }
}

@Suite("Delivering the outbox over SMTP to a real server")
struct DeliveryTests {
    @Test("Request emails reach the SMTP server whole: sender, recipient, Swedish subject, answer link, the file")
    func plainRelay() async throws {
        let sink = try SMTPSink()
        let f = try MailFixture()
        try f.gateway.setSettings(["emailTransport": "smtp", "smtpHost": "127.0.0.1", "smtpPort": "\(sink.port)", "smtpSecurity": "none",
                                   "emailFrom": "vikarier@gso.test", "emailReplyTo": "kansli@gso.test"])
        let queued = try f.emails("queued")
        #expect(queued.count == 2)

        let pass = await f.service().deliverAll()
        #expect(pass.sent == 2 && pass.problems.isEmpty, "\(pass)")
        let received = try sink.received()
        #expect(received.count == 2)
        for (message, mail) in zip(queued.sorted { $0.id! < $1.id! }, received) {
            #expect(mail["mail_from"] as? String == "vikarier@gso.test")
            #expect(mail["rcpt_tos"] as? [String] == [message.recipient])
            #expect(mail["subject"] as? String == message.subject)
            #expect((mail["from"] as? String)?.hasPrefix("Göteborgs Symfoniker") == true)
            #expect(mail["reply_to"] as? String == "kansli@gso.test")
            let body = try #require(mail["body"] as? String)
            #expect(body.replacingOccurrences(of: "\r\n", with: "\n") == message.body.replacingOccurrences(of: "\r\n", with: "\n"))
            #expect(body.contains("https://vikarier.example.org/r/gso."))
            let files = try #require(mail["attachments"] as? [[String: Any]])
            #expect(files.count == 1)
            #expect(files.first?["name"] as? String == "Stämma cello.pdf")
            #expect(files.first?["type"] as? String == "application/pdf")
            #expect(files.first?["sha256"] as? String == Sodium.hex(Sodium.sha256(Array(f.pdf))))
            #expect((mail["defects"] as? [Any])?.isEmpty == true)
        }
        #expect(try f.emails("queued").isEmpty)
        #expect(try f.emails("sent").allSatisfy { $0.sentAt == f.clock.now() && $0.attempts == 1 && $0.lastError == nil })
        // Nothing is sent twice.
        let again = await f.service().deliverAll()
        let total = try sink.received().count
        #expect(again.sent == 0 && total == 2)
    }

    @Test("STARTTLS with the server's own certificate authority, then AUTH; a wrong password waits and says why")
    func startTLSAndAuth() async throws {
        let (certificate, key) = try selfSignedCertificate()
        let sink = try SMTPSink(["--tls", certificate.path, key.path, "--auth", "gso-mailer", "s3cret pass"])
        let f = try MailFixture()
        let pem = try String(contentsOf: certificate, encoding: .utf8)
        try f.gateway.setSettings(["emailTransport": "smtp", "smtpHost": "localhost", "smtpPort": "\(sink.port)", "smtpSecurity": "starttls",
                                   "smtpUsername": "gso-mailer", "smtpPassword": "wrong", "smtpCACertificate": pem,
                                   "emailFrom": "vikarier@gso.test"])
        let refused = await f.service().deliverAll()
        #expect(refused.sent == 0 && refused.problems["gso"]?.contains("refused the SMTP username or password") == true, "\(refused)")
        let waiting = try f.emails("queued").sorted { $0.id! < $1.id! }
        #expect(waiting.count == 2)
        #expect(waiting[0].attempts == 1 && waiting[0].nextAttemptAt == f.clock.now().addingTimeInterval(60))
        #expect(waiting[0].lastError?.contains("username or password") == true)
        #expect(waiting.allSatisfy { !($0.lastError ?? "").contains("wrong") })
        #expect(try f.gateway.settings().publicValues["smtpPassword"] == "(set)")

        try f.gateway.setSettings(["smtpPassword": "s3cret pass"])
        let early = await f.service().deliverAll()
        #expect(early.sent == 1, "only the message never tried is due before its retry time")
        f.clock.advance(by: 61)
        let later = await f.service().deliverAll()
        #expect(later.sent == 1)
        let received = try sink.received()
        #expect(received.count == 2)
        #expect(received.allSatisfy { $0["tls"] as? Bool == true && $0["login"] as? String == "gso-mailer" })
    }

    @Test("Without STARTTLS the password never leaves for another host; an untrusted certificate is refused")
    func refusesInsecure() async throws {
        let f = try MailFixture()
        try f.gateway.setSettings(["emailTransport": "smtp", "smtpHost": "mail.example.org", "smtpSecurity": "none",
                                   "smtpUsername": "u", "smtpPassword": "p", "emailFrom": "vikarier@gso.test"])
        let pass = await f.service().deliverAll()
        #expect(pass.problems["gso"]?.contains("unencrypted") == true)

        let (certificate, key) = try selfSignedCertificate()
        let sink = try SMTPSink(["--tls", certificate.path, key.path])
        try f.gateway.setSettings(["smtpHost": "localhost", "smtpPort": "\(sink.port)", "smtpSecurity": "starttls", "smtpUsername": ""])
        f.clock.advance(by: 3600)
        let untrusted = await f.service().deliverAll()
        #expect(untrusted.sent == 0 && untrusted.problems["gso"] != nil, "\(untrusted)")
        #expect(try sink.received().isEmpty)
    }

    @Test("A refused recipient fails for good at once; the others go; an unreachable server keeps them queued")
    func refusalsAndOutages() async throws {
        let sink = try SMTPSink(["--refuse", "bo@example.org"])
        let f = try MailFixture()
        try f.gateway.setSettings(["emailTransport": "smtp", "smtpHost": "127.0.0.1", "smtpPort": "\(sink.port)", "smtpSecurity": "none",
                                   "emailFrom": "vikarier@gso.test"])
        let pass = await f.service().deliverAll()
        #expect(pass.sent == 1 && pass.givenUp == 1)
        let failed = try f.emails("failed")
        #expect(failed.map(\.recipient) == ["bo@example.org"])
        #expect(failed.first?.lastError?.contains("550") == true)
        #expect(try sink.received().count == 1)

        // Retried by hand after the address was fixed on the server side: it goes.
        try f.gateway.retryMessage(failed[0].id!, now: f.clock.now())
        try f.gateway.setSettings(["smtpPort": "1"])  // nothing listens there
        let outage = await f.service().deliverAll()
        #expect(outage.sent == 0 && outage.problems["gso"]?.contains("could not connect") == true)
        let queued = try f.emails("queued")
        #expect(queued.count == 1 && queued[0].attempts == 1 && queued[0].lastError?.contains("could not connect") == true)
    }

    @Test("The default transport keeps messages in the outbox; incomplete settings say what is missing")
    func outboxOnly() async throws {
        let f = try MailFixture()
        let pass = await f.service().deliverAll()
        #expect(pass == .init())
        #expect(try f.emails("queued").count == 2)
        try f.gateway.setSettings(["emailTransport": "smtp"])
        let incomplete = await f.service().deliverAll()
        #expect(incomplete.problems["gso"] == "emailTransport is smtp but smtpHost is not set")
        #expect(throws: StoreError.self) { try f.gateway.setSettings(["emailFrom": "Kansliet <kansli@gso.test>"]) }
        #expect(throws: StoreError.self) { try f.gateway.setSettings(["smtpSecurity": "ssl"]) }
        #expect(throws: StoreError.self) { try f.gateway.setSettings(["smtpHost": "mail.example.org\r\nRCPT TO:<x@y.z>"]) }
    }

    @Test("The message itself: long and non-ASCII subjects, dot-led lines, and no header injection")
    func rendering() throws {
        let email = OutgoingEmail(from: "a@gso.test", fromName: "Göteborgs \"Symfoniker\"", to: "b@example.org",
                                  subject: String(repeating: "Förfrågan om vikariat — ", count: 6) + "\r\nBcc: evil@x.y",
                                  body: ".\n..leading dots\nrad två", date: Date(timeIntervalSince1970: 1_800_000_000), messageId: "1.x@stagesub")
        let text = email.rendered()
        #expect(!text.contains("\nBcc:"))
        #expect(text.split(separator: "\r\n", omittingEmptySubsequences: false).allSatisfy { $0.utf8.count <= 78 })
        #expect(text.contains("Date: Fri, 15 Jan 2027 08:00:00 +0000"))
        #expect(!OutgoingEmail.isDeliverable("b@example.org>\r\nDATA"))
        #expect(OutgoingEmail.isDeliverable("åsa.lind@example.org"))
    }
}

/// A certificate for "localhost" and its key, made by the openssl command.
func selfSignedCertificate() throws -> (certificate: URL, key: URL) {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("smtp-tls-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let certificate = folder.appendingPathComponent("cert.pem"), key = folder.appendingPathComponent("key.pem")
    let openssl = Process()
    openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
    openssl.arguments = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                         "-addext", "subjectAltName=DNS:localhost", "-keyout", key.path, "-out", certificate.path]
    openssl.standardError = FileHandle.nullDevice
    try openssl.run()
    var status: Int32 = 0
    _ = waitpid(openssl.processIdentifier, &status, 0)
    guard FileManager.default.fileExists(atPath: certificate.path), FileManager.default.fileExists(atPath: key.path) else {
        throw CertificateFailed()
    }
    return (certificate, key)
}

struct CertificateFailed: Error {}

@Suite("Headers as RFC 5322 and RFC 2231 want them, read back by Python's email package")
struct HeaderTests {
    @Test("A sender name with a comma stays one address; a long non-ASCII file name survives whole", arguments: [
        ("GSO, kansliet", "Stämma — cello, sats 2 (Mahler 5, vår 2027) för stråkar med ett mycket långt namn.pdf"),
        ("Göteborgs \"Symfoniker\"", "plain.pdf"),
        ("Kansliet (vikarier)", "a \"quoted\" name; with=signs.pdf"),
    ])
    func readBack(name: String, file: String) throws {
        let email = OutgoingEmail(from: "vikarier@gso.test", fromName: name, to: "b@example.org", subject: "Förfrågan", body: "Hej",
                                  attachments: [.init(fileName: file, mimeType: "application/pdf", data: Data([1, 2, 3]))],
                                  date: Date(timeIntervalSince1970: 1_800_000_000), messageId: "1.x@stagesub")
        let text = email.rendered()
        #expect(text.split(separator: "\r\n", omittingEmptySubsequences: false).allSatisfy { $0.utf8.count <= 78 })
        let parsed = try pythonParse(text)
        #expect(parsed["from"] as? [[String]] == [[name, "vikarier@gso.test"]])
        #expect(parsed["files"] as? [String] == [file])
        #expect((parsed["defects"] as? [Any])?.isEmpty == true)
    }

    /// From addresses, attachment names and defects as Python's email package (policy.default) reads them.
    func pythonParse(_ message: String) throws -> [String: Any] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", """
            import sys, json
            from email import policy
            from email.parser import BytesParser
            m = BytesParser(policy=policy.default).parsebytes(sys.stdin.buffer.read())
            print(json.dumps({"from": [[a.display_name, a.addr_spec] for a in m["From"].addresses],
                              "files": [p.get_filename() for p in m.iter_attachments()],
                              "defects": [str(d) for d in m.defects] + [str(d) for p in m.iter_attachments() for d in p.defects]}))
            """]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(message.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        var status: Int32 = 0
        _ = waitpid(process.processIdentifier, &status, 0)
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }
}
