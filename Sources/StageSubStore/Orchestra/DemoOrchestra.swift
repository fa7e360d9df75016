import Foundation
import GRDB
import StageSubSeeds
import StageSubCore

/// The demo orchestra: about 150 musicians with Swedish names, qualifications and A/B/C lists for every
/// position, and projects whose needs are in every state, so a first-time visitor sees StageSub working.
/// Generated from a fixed seed: the same demo on every machine.
public enum DemoOrchestra {
    /// Who the demo orchestra is and its people's names (seeds/demo-orchestra.json).
    struct Seed: Decodable {
        var slug: String, name: String, adminUsername: String, adminEmail: String, contactName: String
        var firstNames: [String], lastNames: [String]
        /// Musicians per instrument, in score order (strings are the largest pools).
        var poolSizes: [Int]
        /// Projects whose needs are in every state: sent or not, answered yes and no, paused.
        var projects: [DemoProject]
    }

    /// A demo project; its dates are weeks ahead of the day the demo is made, so it is always upcoming.
    struct DemoProject: Decodable {
        struct Day: Decodable { var weeksAhead: Int, weekday: Int }
        struct Need: Decodable {
            var instrument: String, position: String, quantity: Int, strategy: RequestStrategy, responseTimeHours: Int
            var maxRecipients: Int?
            /// Sent when the demo is made; `answers` are the first musicians' answers (yes, no), in the order asked.
            var send: Bool
            var answers: [Bool]?
            var paused: Bool?
        }
        var name: String, start: Day, end: Day?
        var rehearsalSchedule: String?, concertInfo: String?, notes: String?
        var needs: [Need]
    }

    static let seed: Seed = {
        // Part of the build; a decoding failure is a build defect, caught by the demo tests.
        do { return try JSONDecoder().decode(Seed.self, from: Data(StageSubSeeds.demoOrchestra)) } catch {
            fatalError("seeds/demo-orchestra.json does not decode: \(error)")
        }
    }()

    public static var slug: String { seed.slug }
    public static var name: String { seed.name }
    static var firstNames: [String] { seed.firstNames }
    static var lastNames: [String] { seed.lastNames }
    static var poolSizes: [Int] { seed.poolSizes }

    /// What the demo made.
    public struct Summary: Sendable {
        public let created: Appliance.CreatedOrchestra
        public let musicians: Int
        public let projects: Int
        public let needs: Int
        public let requests: Int
    }

    /// Creates the demo orchestra on `appliance` (it must not exist yet).
    public static func create(on appliance: Appliance, adminPassword: String? = nil, now: Date = Date(),
                              answerBaseURL: String = "http://127.0.0.1:8080") throws(StoreError) -> Summary {
        let created = try appliance.createOrchestra(slug: slug, name: name, adminEmail: seed.adminEmail,
                                                    adminUsername: seed.adminUsername, adminPassword: adminPassword, contactName: seed.contactName)
        let database = try appliance.openOrchestraDatabase(slug)
        defer { try? SealedDatabase.close(database) }
        let gateway = OrchestraGateway(database: database, orchestraName: name, answerBaseURL: answerBaseURL, slug: slug)
        var rng = SplitMix64(state: 1_905)  // Göteborgs Orkesterförening's founding year

        // Instruments and their positions, in score order.
        let positions = try gateway.read { db in
            try Row.fetchAll(db, sql: """
                SELECT i.displayOrder AS instrument, p.id, p.hierarchyLevel FROM position p
                JOIN instrument i ON i.id = p.instrumentId ORDER BY i.displayOrder, p.hierarchyLevel
                """).map { (instrument: $0["instrument"] as Int, id: $0["id"] as Int64, level: $0["hierarchyLevel"] as Int) }
        }
        var musicians = 0
        var usedNames = Set<String>()
        for (index, size) in poolSizes.enumerated() {
            let own = positions.filter { $0.instrument == index + 1 }
            var pool: [Int64] = []
            var qualified: [Int64: [Int64]] = [:]
            for _ in 0..<size {
                var first = firstNames.randomElement(using: &rng)!, last = lastNames.randomElement(using: &rng)!
                while usedNames.contains(first + last) {
                    first = firstNames.randomElement(using: &rng)!
                    last = lastNames.randomElement(using: &rng)!
                }
                usedNames.insert(first + last)
                musicians += 1
                let email = "\(ascii(first)).\(ascii(last))@example.se"
                let musician = try gateway.createMusician(Musician(
                    firstName: first, lastName: last, email: email,
                    phone: "07\(Int.random(in: 0...9, using: &rng))-\(Int.random(in: 100_0000...999_9999, using: &rng))",
                    preferredLanguage: Int.random(in: 0..<10, using: &rng) == 0 ? "en" : "sv",
                    localResidence: Int.random(in: 0..<10, using: &rng) < 6, now: now))
                // Everyone plays the section's last (most common) position; some also the ones above it.
                let positionsPlayed = own.filter { $0.id == own.last!.id || Int.random(in: 0..<3, using: &rng) == 0 }.map(\.id)
                pool.append(musician.id!)
                for p in positionsPlayed { qualified[p, default: []].append(musician.id!) }
            }
            // Every position has at least two players who can take it.
            for position in own where (qualified[position.id]?.count ?? 0) < 2 {
                for player in pool.prefix(2) where !(qualified[position.id] ?? []).contains(player) {
                    qualified[position.id, default: []].append(player)
                }
            }
            for player in pool {
                try gateway.setQualifications(musician: player, positions: Set(qualified.filter { $0.value.contains(player) }.keys))
            }
            // A, B and C lists for every position: the qualified players, split and ranked.
            for position in own {
                let players = (qualified[position.id] ?? []).shuffled(using: &rng)
                let third = max(1, players.count / 3)
                for (n, type) in ["A", "B", "C"].enumerated() {
                    let list = try gateway.rankingList(position: position.id, type: type)
                    try gateway.setRanking(list: list, musicians: Array(players.dropFirst(n * third).prefix(n == 2 ? players.count : third)))
                }
            }
        }

        // Projects with needs in every state.
        let today = CalendarDay(ordinal: Int(now.timeIntervalSince1970 / 86_400))
        func day(_ weeksAhead: Int, _ weekday: Int) -> String {
            today.adding(days: weeksAhead * 7 + weekday - today.isoWeekday).description
        }
        func answer(_ result: DispatchResult, accept: [Bool]) throws(StoreError) {
            for (sent, yes) in zip(result.sent, accept) {
                _ = try gateway.answer(token: sent.token, accept: yes, now: now.addingTimeInterval(1800))
            }
        }
        for demo in seed.projects {
            let project = try gateway.createProject(name: demo.name, startDate: day(demo.start.weeksAhead, demo.start.weekday),
                                                    endDate: demo.end.map { day($0.weeksAhead, $0.weekday) },
                                                    rehearsalSchedule: demo.rehearsalSchedule, concertInfo: demo.concertInfo,
                                                    notes: demo.notes, now: now)
            for wanted in demo.needs {
                let positionId = try gateway.positionId(instrument: wanted.instrument, position: wanted.position)
                let need = try gateway.createNeed(project: project.id!, position: positionId, quantity: wanted.quantity,
                                                  rankingList: gateway.rankingList(position: positionId, type: "A"), strategy: wanted.strategy,
                                                  maxRecipients: wanted.maxRecipients, responseTimeHours: wanted.responseTimeHours, now: now)
                guard wanted.send else { continue }
                try answer(try gateway.send(need: need.id!, now: now), accept: wanted.answers ?? [])
                if wanted.paused == true { _ = try gateway.setNeedPaused(true, need: need.id!, now: now) }
            }
        }

        let counts = try gateway.read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM project") ?? 0, try Int.fetchOne(db, sql: "SELECT count(*) FROM projectNeed") ?? 0,
             try Int.fetchOne(db, sql: "SELECT count(*) FROM request") ?? 0)
        }
        try appliance.registry.log("info", "demo", "created the demo orchestra", orchestraId: created.orchestra.id, at: now)
        return Summary(created: created, musicians: musicians, projects: counts.0, needs: counts.1, requests: counts.2)
    }

    /// A name as an email local part: lower case, å/ä → a, ö → o.
    static func ascii(_ name: String) -> String {
        name.lowercased().map { c -> String in
            switch c {
            case "å", "ä": "a"
            case "ö": "o"
            case "é": "e"
            default: String(c)
            }
        }.joined()
    }
}
