import Foundation
import StageSubCore
import StageSubStore

// The Store's and Core's values that the API sends as they are, with the names the document gives them.
// Their examples come from `SchemaDecoder` (they are `Decodable`): every property set, so the recording
// meets each one. A stored record's `id` is optional in Swift (nil before insert) and written with
// `encodeIfPresent`; every record the API sends was read back, so it is `alwaysSent`.

extension Instrument: APIContent {
    static let componentName: String? = "InstrumentRecord"
    static let annotations: [String: [SchemaNote]] = ["id": [.alwaysSent]]
}

extension Position: APIContent {
    static let componentName: String? = "Position"
    static let annotations: [String: [SchemaNote]] = ["id": [.alwaysSent]]
}

extension Project: APIContent {
    static let componentName: String? = "Project"
    static let annotations: [String: [SchemaNote]] = ["id": [.alwaysSent], "startDate": [.date], "endDate": [.date]]
}

extension ProjectNeed: APIContent {
    static let componentName: String? = "Need"
    static let annotations: [String: [SchemaNote]] = ["id": [.alwaysSent]]
}

extension RequestView: APIContent {
    static let componentName: String? = "Request"
}

extension RankingListView: APIContent {
    static let componentName: String? = "RankingList"
    static let annotations: [String: [SchemaNote]] = ["listType": [.oneOf(["A", "B", "C"])]]
}

extension StoredFile: APIContent {
    static let componentName: String? = "File"
}

extension OutboxMessage: APIContent {
    static let componentName: String? = "Message"
    static let annotations: [String: [SchemaNote]] = ["id": [.alwaysSent]]
}

extension GroupEmail: APIContent {
    static let componentName: String? = "GroupEmail"
}

extension WebhookEndpoint: APIContent {
    static let componentName: String? = "WebhookEndpoint"
    static let annotations: [String: [SchemaNote]] = ["events": [.oneOf(WebhookEventType.subscribable.map(\.rawValue))]]
}

extension WebhookDelivery: APIContent {
    static let componentName: String? = "WebhookDelivery"
    static let annotations: [String: [SchemaNote]] = ["status": [.oneOf(["queued", "delivered", "failed"])]]
}

extension OrchestraStatistics: APIContent {
    static let componentName: String? = "Statistics"
}

extension OrchestraStatistics.MusicianFigures: APIContent {
    static let componentName: String? = "MusicianFigures"
}

extension AuditEntry: APIContent {
    static let componentName: String? = "AuditEntry"
    static let annotations: [String: [SchemaNote]] = ["id": [.alwaysSent]]
}

extension Page: APIContent where Item: APIContent {
    static var example: Page<Item> { get throws { Page(items: [try Item.example], total: 1, limit: 50, offset: 0) } }
}

// The string enumerations the API sends or reads: the document lists their values.
extension RequestStrategy: SchemaEnumeration {}
extension NeedStatus: SchemaEnumeration {}
extension RequestStatus: SchemaEnumeration {}
extension MessageType: SchemaEnumeration {}
extension MessageChannel: SchemaEnumeration {}
extension MessageStatus: SchemaEnumeration {}
extension DeliveryState: SchemaEnumeration {}
extension WebhookEventType: SchemaEnumeration {}
extension Orchestra.Status: SchemaEnumeration {}
extension User.Role: SchemaEnumeration {}
extension FileSendWith: SchemaEnumeration {}
extension AuditEntry.ActorKind: SchemaEnumeration {}
extension MusicianLink.Purpose: SchemaEnumeration {}

extension SchemaBook {
    /// A placeholder value of a decodable type, for the examples of views made from it.
    static func example<T: Decodable>(_ type: T.Type = T.self) throws -> T { try SchemaBook().placeholder(T.self) }
}
