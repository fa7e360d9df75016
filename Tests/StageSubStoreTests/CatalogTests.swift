import Foundation
import StageSubCore
import Testing
@testable import StageSubStore

@Suite("Instruments and positions")
struct CatalogTests {
    @Test("the catalog lists instruments in score order with their positions in order; new ones go last")
    func listAndCreate() throws {
        let f = try EngineFixture(count: 1)
        let catalog = try f.gateway.instruments()
        #expect(catalog.first?.instrument.name == "Violin 1")
        #expect(catalog.first?.positions.map(\.name) == ["Förste konsertmästare", "Andre konsertmästare", "Tutti"])

        let sax = try f.gateway.createInstrument(name: "Saxofon", nameEn: "Saxophone")
        let alto = try f.gateway.createPosition(instrument: sax.id!, name: " Altsaxofon ")
        _ = try f.gateway.createPosition(instrument: sax.id!, name: "Tenorsaxofon", nameEn: "Tenor saxophone")
        let listed = try f.gateway.instruments()
        #expect(listed.last?.instrument.name == "Saxofon")
        #expect(listed.last?.positions.map(\.name) == ["Altsaxofon", "Tenorsaxofon"])
        #expect(alto.nameEn == "Altsaxofon")  // no English name given: the Swedish one

        let twin = #expect(throws: StoreError.self) { try f.gateway.createInstrument(name: "saxofon") }
        #expect(twin?.code == .conflict && twin?.message.contains("already an instrument called saxofon") == true)
        let position = #expect(throws: StoreError.self) { try f.gateway.createPosition(instrument: sax.id!, name: "Altsaxofon") }
        #expect(position?.message.contains("Saxofon already has a position called Altsaxofon") == true)
        #expect((#expect(throws: StoreError.self) { try f.gateway.createInstrument(name: "  ") })?.code == .invalidInput)

        try f.gateway.renameInstrument(sax.id!, name: "Saxofoner", nameEn: "Saxophones")
        try f.gateway.renamePosition(alto.id!, name: "Altsax", nameEn: "Alto saxophone")
        #expect(try f.gateway.instruments().last?.instrument.nameEn == "Saxophones")
        #expect(try f.gateway.instruments().last?.positions.first?.nameEn == "Alto saxophone")
        #expect(throws: StoreError.self) { try f.gateway.renamePosition(alto.id!, name: "Tenorsaxofon") }
        #expect(throws: StoreError.self) { try f.gateway.renameInstrument(sax.id!, name: "Violin 1") }
    }

    @Test("positions and instruments are put in a new order; those not named keep their order after")
    func reorder() throws {
        let f = try EngineFixture(count: 1)
        let violin = try #require(try f.gateway.instruments().first)
        let ids = violin.positions.map { $0.id! }
        try f.gateway.reorderPositions(instrument: violin.instrument.id!, [ids[2], ids[0]])
        #expect(try f.gateway.instruments().first?.positions.map(\.name) == ["Tutti", "Förste konsertmästare", "Andre konsertmästare"])

        let cello = try f.gateway.positionId(instrument: "Cello", position: "Tutti")
        let stranger = #expect(throws: StoreError.self) { try f.gateway.reorderPositions(instrument: violin.instrument.id!, [cello]) }
        #expect(stranger?.message.contains("is not a position of Violin 1") == true)
        #expect(throws: StoreError.self) { try f.gateway.reorderPositions(instrument: violin.instrument.id!, [ids[0], ids[0]]) }

        let sax = try f.gateway.createInstrument(name: "Saxofon")
        try f.gateway.reorderInstruments([sax.id!])
        #expect(try f.gateway.instruments().prefix(2).map(\.instrument.name) == ["Saxofon", "Violin 1"])
    }

    @Test("an archived position is not offered for new needs, needs already on it keep asking, and restored it is offered again")
    func archive() throws {
        let f = try EngineFixture(count: 3)
        let existing = try f.need(.sequential)
        try f.gateway.setPositionArchived(true, position: f.tutti)
        #expect(try f.gateway.instruments().first?.positions.map(\.name) == ["Förste konsertmästare", "Andre konsertmästare"])
        #expect(try f.gateway.instruments(includeArchived: true).first?.positions.last?.isArchived == true)

        let refused = #expect(throws: StoreError.self) { try f.need(.parallel) }
        #expect(refused?.message == "Tutti (Violin 1) is archived; restore the position before creating a need on it")
        #expect(try f.gateway.send(need: existing.id!, now: EngineFixture.start).sent.map(\.musicianId) == [f.id(1)])

        try f.gateway.setPositionArchived(false, position: f.tutti)
        _ = try f.need(.parallel)

        let violin = try #require(try f.gateway.instruments().first?.instrument.id)
        try f.gateway.setInstrumentArchived(true, instrument: violin)
        #expect(try f.gateway.instruments().first?.instrument.name == "Violin 2")
        #expect((#expect(throws: StoreError.self) { try f.need(.parallel) })?.message.contains("Violin 1 is archived") == true)
        #expect((#expect(throws: StoreError.self) { try f.gateway.setPositionArchived(true, position: 99_999) })?.code == .notFound)
    }
}
