import Foundation
import StageSubStore

/// Who may call the orchestra's routes, and the paging every list takes.
enum RouteAccess {
    static let user = Access.orchestra(.user)
    static let admin = Access.orchestra(.admin)
    static let paging: [(name: String, schema: JSONValue, description: String)] = [
        ("limit", Schema.integer, "page size, 1–500 (default 50)"), ("offset", Schema.integer, "items to skip (default 0)"),
    ]
}

extension ServerState {
    /// Every route inside an orchestra, one controller per resource group.
    static func orchestraRoutes() -> [APIRoute] {
        RosterController().routes + CatalogController().routes + ProjectController().routes + NeedController().routes
            + CommunicationController().routes + BlackoutController().routes + MusicianLinkController().routes
            + PrivacyController().routes + DeliveryController().routes
    }
}

extension Optional {
    func unwrap() throws -> Wrapped {
        guard let value = self else { throw APIError(.forbidden, "this route works inside an orchestra") }
        return value
    }
}
