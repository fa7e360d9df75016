import Foundation
import Hummingbird
import HTTPTypes
import NIOCore
import StageSubCore
import StageSubStore

struct IdsInput: APIInput {
    var ids: [Int64]
}

/// `{"confirm": true}`, for what cannot be undone.
struct ConfirmInput: APIInput {
    var confirm: Bool?
}

struct DescriptionInput: APIInput {
    var description: String
}

struct NameInput: APIInput {
    var name: String, nameEn: String?
}

struct InstrumentView: APIContent {
    let instrument: Instrument
    let positions: [Position]

    static let componentName: String? = "Instrument"
    static var example: InstrumentView { get throws { InstrumentView(instrument: try .example, positions: [try .example]) } }
}

/// Instruments, their positions, and each position's A/B/C ranking lists.
struct CatalogController {
    var routes: [APIRoute] {
        let user = RouteAccess.user, admin = RouteAccess.admin
        return [
            // Instruments, positions, lists
            APIRoute(method: .get, path: "/api/v1/instruments", summary: "Instruments with their positions, in score order.", access: user,
                     output: [InstrumentView].self, queryParameters: [("includeArchived", Schema.boolean, "also archived ones")]) { request, _, scope in
                let sections = try scope.gateway.instruments(includeArchived: try Query(request: request).bool("includeArchived"))
                return sections.map { InstrumentView(instrument: $0.instrument, positions: $0.positions) }
            },
            APIRoute(method: .post, path: "/api/v1/instruments", summary: "Add an instrument.", access: admin,
                     input: NameInput.self, status: .created, output: Instrument.self, errors: [409]) { input, _, _, scope in
                try scope.gateway.createInstrument(name: input.name, nameEn: input.nameEn)
            },
            APIRoute(method: .put, path: "/api/v1/instruments/order", summary: "Put instruments in this order.", access: admin,
                     input: IdsInput.self) { input, _, _, scope in
                try scope.gateway.reorderInstruments(input.ids)
                return Response(status: .noContent)
            },
            APIRoute(method: .post, path: "/api/v1/instruments/{id}/positions", summary: "Add a position to an instrument.", access: admin,
                     input: NameInput.self, status: .created, output: Position.self, errors: [409]) { input, _, _, scope in
                let gateway = try scope.gateway, id = try scope.id()
                return try gateway.createPosition(instrument: id, name: input.name, nameEn: input.nameEn)
            },
            APIRoute(method: .put, path: "/api/v1/instruments/{id}/positions/order", summary: "Put an instrument's positions in this order.",
                     access: admin, input: IdsInput.self) { input, _, _, scope in
                let gateway = try scope.gateway, id = try scope.id()
                try gateway.reorderPositions(instrument: id, input.ids)
                return Response(status: .noContent)
            },
            APIRoute(method: .post, path: "/api/v1/instruments/{id}/archive", summary: "Archive an instrument.", access: admin, success: (204, nil)) { _, _, scope in
                try scope.gateway.setInstrumentArchived(true, instrument: try scope.id())
                return Response(status: .noContent)
            },
            APIRoute(method: .post, path: "/api/v1/instruments/{id}/restore", summary: "Restore an archived instrument.", access: admin, success: (204, nil)) { _, _, scope in
                try scope.gateway.setInstrumentArchived(false, instrument: try scope.id())
                return Response(status: .noContent)
            },
            APIRoute(method: .post, path: "/api/v1/positions/{id}/archive", summary: "Archive a position (no new needs on it).", access: admin, success: (204, nil)) { _, _, scope in
                try scope.gateway.setPositionArchived(true, position: try scope.id())
                return Response(status: .noContent)
            },
            APIRoute(method: .post, path: "/api/v1/positions/{id}/restore", summary: "Restore an archived position.", access: admin, success: (204, nil)) { _, _, scope in
                try scope.gateway.setPositionArchived(false, position: try scope.id())
                return Response(status: .noContent)
            },
            APIRoute(method: .get, path: "/api/v1/positions/{id}/lists", summary: "A position's A/B/C ranking lists.", access: user,
                     output: [RankingListView].self) { _, _, scope in
                try scope.gateway.rankingLists(position: try scope.id())
            },
            APIRoute(method: .get, path: "/api/v1/lists/{id}", summary: "One ranking list, musicians in rank order.", access: user,
                     output: RankingListView.self) { _, _, scope in
                try scope.gateway.rankingList(try scope.id())
            },
            APIRoute(method: .put, path: "/api/v1/lists/{id}", summary: "Set a ranking list: these musicians in this order (reorder, add, remove).",
                     access: user, input: IdsInput.self, output: RankingListView.self) { input, _, _, scope in
                let gateway = try scope.gateway, id = try scope.id()
                try gateway.setRanking(list: id, musicians: input.ids)
                return try gateway.rankingList(id)
            },
            APIRoute(method: .patch, path: "/api/v1/lists/{id}", summary: "Describe a ranking list (what it is for); empty removes the description.",
                     access: user, input: DescriptionInput.self, output: RankingListView.self) { input, _, _, scope in
                let gateway = try scope.gateway, id = try scope.id()
                try gateway.describeList(id, description: input.description)
                return try gateway.rankingList(id)
            },
            APIRoute(method: .post, path: "/api/v1/lists/{id}/musicians", summary: "Add musicians at the end of a list, in this order (qualified for its position).",
                     access: user, input: IdsInput.self, output: RankingListView.self) { input, _, _, scope in
                let gateway = try scope.gateway, id = try scope.id()
                try gateway.addToList(id, musicians: input.ids)
                return try gateway.rankingList(id)
            },
            APIRoute(method: .delete, path: "/api/v1/lists/{id}/musicians/{musicianId}", summary: "Take a musician off a list; the ranks below close up.",
                     access: user, output: RankingListView.self) { _, _, scope in
                let gateway = try scope.gateway, id = try scope.id()
                try gateway.removeFromList(id, musician: try scope.id("musicianId"))
                return try gateway.rankingList(id)
            },
            APIRoute(method: .put, path: "/api/v1/lists/{id}/order", summary: "Reorder a list: every musician on it, once, in the new order.",
                     access: user, input: IdsInput.self, output: RankingListView.self) { input, _, _, scope in
                let gateway = try scope.gateway, id = try scope.id()
                try gateway.reorderList(id, order: input.ids)
                return try gateway.rankingList(id)
            },
            APIRoute(method: .post, path: "/api/v1/lists/{id}/clear", summary: "Empty a list (confirm: true); refused while a need still asks from it.",
                     access: user, input: ConfirmInput.self, output: RankingListView.self, errors: [409]) { input, _, _, scope in
                let gateway = try scope.gateway, id = try scope.id()
                guard input.confirm == true else {
                    throw APIError.badField("confirm", "must be true: clearing takes every musician off the list")
                }
                try gateway.clearList(id)
                scope.log("cleared ranking list \(id)")
                return try gateway.rankingList(id)
            },
        ]
    }
}
