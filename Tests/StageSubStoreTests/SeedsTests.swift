import Foundation
import StageSubCore
import StageSubSeeds
import Testing
@testable import StageSubStore

@Suite("What new orchestras start with (seeds/) and what shipped migrations seeded (frozen)")
struct SeedsTests {
    struct Template: Decodable, Equatable { var type: String; var language: String; var subject: String; var body: String }

    @Test("A new orchestra has every template of seeds/, in both languages, word for word")
    func newOrchestraGetsSeeds() throws {
        let seeds = try JSONDecoder().decode([Template].self, from: Data(StageSubSeeds.templates))
        let pairs = Set(seeds.map { "\($0.type)/\($0.language)" })
        for type in OrchestraGateway.templateTypes { for language in ["sv", "en"] { #expect(pairs.contains("\(type)/\(language)"), "seeds/ lacks \(type)/\(language)") } }
        let f = try EngineFixture(count: 1)
        let stored = try f.gateway.messageTemplates().map { Template(type: $0.type, language: $0.language, subject: $0.subject, body: $0.body) }
        #expect(stored.sorted { ($0.type, $0.language) < ($1.type, $1.language) } == seeds.sorted { ($0.type, $0.language) < ($1.type, $1.language) })
        let names = try f.gateway.instruments().map(\.instrument.name)
        struct Instrument: Decodable { var name: String }
        #expect(names == (try JSONDecoder().decode([Instrument].self, from: Data(StageSubSeeds.instruments))).map(\.name))
    }

    @Test("The data shipped migrations seeded is frozen: editing it would change what existing orchestras were given")
    func frozenMigrationData() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/StageSubStore/Orchestra/Frozen")
        #expect(try sha256(ofFileAt: folder.appendingPathComponent("v2-instruments.json").path)
                == "6f9cd7ec064fb3267f1440ad72dbfb1691915a2e133e9a160f280d49fed6954d")
        #expect(try sha256(ofFileAt: folder.appendingPathComponent("v2-templates.json").path)
                == "773e2547ebbf045c55d25aaaced09e2dcf63ad3d0036f13033b0f1b2d4327cf0")
    }

    @Test("The demo orchestra is who seeds/demo-orchestra.json says, with names from it")
    func demoFromSeeds() throws {
        #expect(DemoOrchestra.slug == "demo" && !DemoOrchestra.firstNames.isEmpty && DemoOrchestra.poolSizes.count == 17)
    }
}

@Suite("A musician's figures from their own requests")
struct MusicianFiguresTests {
    @Test("The profile's figures, read for one musician, are the orchestra's figures for that musician")
    func sameAsWholeOrchestra() throws {
        let fixture = try ApplianceFixture()
        _ = try DemoOrchestra.create(on: fixture.appliance, now: EngineFixture.start)
        let database = try fixture.appliance.openOrchestraDatabase("demo")
        let gateway = try fixture.appliance.gateway("demo", database: database, answerBaseURL: "http://x")
        let all = try gateway.statistics().musicians
        #expect(!all.isEmpty)
        for figures in all {
            var own = try #require(try gateway.statistics(musician: figures.musicianId))
            own.name = figures.name
            #expect(own == figures, "musician \(figures.musicianId)")
        }
        #expect(try gateway.statistics(musician: 999_999) == nil)
    }
}
