import Foundation
@testable import StageSubServer
import StageSubCore
import Testing

/// The API document is recorded from the Swift types the routes read and answer with. These tests show
/// that it cannot part from them: whatever a type writes is in its schema, and nothing else is.
@Suite("One API contract: the document comes from the types")
struct ContractTests {
    /// A body as the API sends it (`JSON.bytes`, so a hand-written `JSONWriter` is what is read).
    static func sent(_ value: some Encodable) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(JSON.bytes(value)), options: .fragmentsAllowed)
    }

    @Test("Every schema in the document was recorded from a type: nothing was left undescribed")
    func nothingUndescribed() {
        let built = OpenAPI.build(ServerState.routes + ServerState.demoRoutes())
        #expect(built.problems == [])
        // The names clients know stay (the types behind them changed from hand-written schemas to recorded ones).
        let components = (ContractValidator.shared.document["components"] as? [String: Any])?["schemas"] as? [String: Any] ?? [:]
        let names: Set<String> = ["Error", "Orchestra", "Session", "User", "APIKey", "Musician", "InstrumentRecord", "Position", "Instrument",
                                  "RankingList", "Project", "Need", "Plan", "Sent", "Request", "File", "Message", "WebhookEndpoint",
                                  "WebhookDelivery", "MusicianFigures", "Statistics", "AuditEntry", "Blackout", "MusicianLink",
                                  "MusicianExport", "ImportReport", "Backup", "Health"]
        #expect(names.subtracting(components.keys) == [])
    }

    /// A schema with its `$ref` followed.
    static func resolved(_ schema: [String: Any]?) -> [String: Any]? {
        guard let ref = schema?["$ref"] as? String else { return schema }
        let components = (ContractValidator.shared.document["components"] as? [String: Any])?["schemas"] as? [String: [String: Any]]
        return components?[String(ref.split(separator: "/").last ?? "")]
    }

    @Test("Every route's answer type: its example, encoded as the API sends it, fits the documented schema and writes exactly its properties")
    func examplesFitTheirSchemas() throws {
        let paths = try #require(ContractValidator.shared.document["paths"] as? [String: [String: Any]])
        var checked = 0
        for route in ServerState.routes {
            for (status, body) in [(route.success.status, route.success.schema)] + route.reportSchemas.map({ ($0.key, Optional($0.value)) }) {
                guard let body, let example = body.exampleJSON else { continue }
                let operation = paths[route.path]?[route.method.rawValue.lowercased()] as? [String: Any]
                let response = (operation?["responses"] as? [String: Any])?[String(status)] as? [String: Any]
                let schema = (((response?["content"] as? [String: Any])?["application/json"] as? [String: Any])?["schema"]) as? [String: Any]
                let context = "\(route.method) \(route.path) \(status)"
                let documented = try #require(schema, "\(context): no JSON schema in the document")
                let value = try JSONSerialization.jsonObject(with: Data(try example()), options: .fragmentsAllowed)
                #expect(ContractValidator.shared.validate(value, documented, at: context) == [])
                // The object itself, an array's first item, a page's first item.
                let top = Self.resolved(documented)
                var objects: [(Any, [String: Any]?)] = [(value, top)]
                if let list = value as? [Any], let first = list.first { objects.append((first, Self.resolved(top?["items"] as? [String: Any]))) }
                if let page = value as? [String: Any], let items = page["items"] as? [Any], let first = items.first,
                   let itemsSchema = (top?["properties"] as? [String: Any])?["items"] as? [String: Any] {
                    objects.append((first, Self.resolved(itemsSchema["items"] as? [String: Any])))
                }
                for (object, objectSchema) in objects {
                    guard let object = object as? [String: Any], let properties = objectSchema?["properties"] as? [String: Any] else { continue }
                    #expect(Set(object.keys) == Set(properties.keys),
                            "\(context): the example writes \(object.keys.sorted()), the schema names \(properties.keys.sorted())")
                }
                checked += 1
            }
        }
        #expect(checked > 60)
    }

    /// An output type before and after a property is added, and one whose custom `encode(to:)` writes
    /// something its stored properties do not say.
    struct Before: APIContent {
        let id: Int64
        let name: String
        static let example = Before(id: 1, name: "Anna")
    }

    struct After: APIContent {
        let id: Int64
        let name: String
        let notes: String?
        let tags: [String]
        static let example = After(id: 1, name: "Anna", notes: nil, tags: [])
    }

    struct Custom: APIContent {
        let stored: Int
        enum Keys: String, CodingKey { case stored, derived, always }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(stored, forKey: .stored)
            try container.encode(Double(stored) / 2, forKey: .derived)
            try container.encode(nil as String?, forKey: .always)
        }
        static let example = Custom(stored: 3)
    }

    static func properties(_ schema: JSONValue) -> [String] {
        guard case .object(let pairs)? = schema.member("properties") else { return [] }
        return pairs.map(\.0)
    }

    static func required(_ schema: JSONValue) -> [String] {
        guard case .array(let names)? = schema.member("required") else { return [] }
        return names.compactMap { if case .string(let name) = $0 { name } else { nil } }
    }

    @Test("A property added to an output type is in its schema at once, as the encoder writes it")
    func addedPropertyAppears() throws {
        let before = SchemaBook().schema(of: Before.self), after = SchemaBook().schema(of: After.self)
        #expect(Self.properties(before) == ["id", "name"])
        #expect(Self.properties(after) == ["id", "name", "notes", "tags"])
        // An optional the synthesized encoder skips when nil is optional, never null; an array names its items.
        #expect(Self.required(after) == ["id", "name", "tags"])
        #expect(after.member("properties")?.member("notes") == Schema.string)
        #expect(after.member("properties")?.member("tags") == Schema.array(Schema.string))
        // The recording follows a custom encode(to:), not the stored properties.
        let custom = SchemaBook().schema(of: Custom.self)
        #expect(Self.properties(custom) == ["stored", "derived", "always"])
        #expect(custom.member("properties")?.member("derived") == Schema.number)
        #expect(custom.member("properties")?.member("always") == Schema.nullable(Schema.string))
        // And what the encoder writes for the example is exactly what the schema names.
        let written = try #require(try Self.sent(After.example) as? [String: Any])
        #expect(Set(written.keys).isSubset(of: Self.properties(after)) && Set(Self.required(after)).isSubset(of: written.keys))
    }

    struct ProbeInput: APIInput {
        var name: String
        var quantity: Int?
        var strategy: RequestStrategyProbe
        var day: String?
        static let annotations: [String: [SchemaNote]] = ["day": [.date], "quantity": [.range(1...50)]]
    }

    enum RequestStrategyProbe: String, Decodable, CaseIterable, SchemaEnumeration { case sequential, parallel }

    @Test("A request body's fields, required list, values and bounds come from the input type's init(from:)")
    func inputsDescribeThemselves() {
        let book = SchemaBook()
        #expect(book.inputFields(of: ProbeInput.self) == ["name", "quantity", "strategy", "day"])
        let schema = book.inputSchema(of: ProbeInput.self)
        #expect(Self.required(schema) == ["name", "strategy"])
        #expect(schema.member("additionalProperties") == .bool(false))
        let properties = schema.member("properties")
        #expect(properties?.member("strategy") == Schema.enumeration(["sequential", "parallel"]))
        #expect(properties?.member("quantity") == Schema.nullable(Schema.integer.adding([("minimum", .int(1)), ("maximum", .int(50))])))
        #expect(properties?.member("day") == Schema.nullable(Schema.date))
        #expect(book.problems == [])
    }

    @Test("The settings change in the document names every setting with the rule it is held to, and a value the document's choices exclude is refused")
    func settingsRulesDocumented() async throws {
        let paths = try #require(ContractValidator.shared.document["paths"] as? [String: [String: Any]])
        let patch = try #require(paths["/api/v1/settings"]?["patch"] as? [String: Any])
        let body = try #require((((patch["requestBody"] as? [String: Any])?["content"] as? [String: Any])?["application/json"] as? [String: Any])?["schema"] as? [String: Any])
        let properties = try #require(body["properties"] as? [String: [String: Any]])
        #expect(Set(properties.keys) == Set(OrchestraSettings.keys) && body["additionalProperties"] as? Bool == false)
        #expect(properties["conflictPolicy"]?["enum"] as? [String] == ["warn", "skip"])
        #expect(properties["reminderPercentage"]?["description"] as? String == "must be 10–90 in steps of 5")
        #expect((properties["escalationSteps"]?["description"] as? String)?.contains(EscalationSchedule.standard.text) == true)
        for key in OrchestraSettings.keys { #expect(OrchestraSettings.rule(of: key) != nil, "\(key) has a rule set() enforces") }
        #expect(OrchestraSettings.rule(of: "noSuchSetting") == nil)
        // What the document says is what the server holds to.
        let fixture = try Fixture()
        try await fixture.test { client in
            let admin = try await client.login("alpha-admin")
            #expect(try await client.call(.patch, "/api/v1/settings", as: admin, json: #"{"conflictPolicy":"maybe"}"#).status == 400)
            #expect(try await client.call(.patch, "/api/v1/settings", as: admin, json: #"{"conflictPolicy":"skip"}"#).status == 200)
            #expect(try await client.call(.patch, "/api/v1/settings", as: admin, json: #"{"reminderPercentage":"33"}"#).status == 400)
        }
    }

    struct Stale: APIContent {
        let name: String
        static let example = Stale(name: "x")
        static let annotations: [String: [SchemaNote]] = ["renamed": [.date]]
    }

    @Test("An annotation naming a property the type does not have is a problem, not silently ignored")
    func staleAnnotationIsCaught() {
        let book = SchemaBook()
        _ = book.schema(of: Stale.self)
        #expect(book.problems.count == 1 && book.problems[0].contains("renamed"))
    }
}
