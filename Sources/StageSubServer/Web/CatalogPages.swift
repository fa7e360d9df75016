import Foundation
import HTTPTypes
import Hummingbird
import StageSubCore
import StageSubStore

/// Instruments and positions (order, rename, add, archive) and the A/B/C ranking lists of every position
/// (add several at once, reorder by drag or by buttons, remove, describe, clear with a typed confirmation).
struct CatalogPages {
    var pages: [PageRoute] {
        let user = Access.orchestra(.user)
        return [
            PageRoute(.get, "/lists", user) { page in try Self.lists(page) },
            PageRoute(.get, "/lists/{id}", user) { page in try Self.list(page, clearError: nil, formError: nil) },
            PageRoute(.post, "/lists/{id}/add", user) { page in
                let id = try page.id()
                let chosen = page.form.ids("musicianIds")
                guard !chosen.isEmpty else { return try Self.list(page, clearError: nil, formError: page.words[.errorChooseMusicians]) }
                try page.gateway.addToList(id, musicians: chosen)
                return page.redirect("/lists/\(id)", notice: .doneAdded)
            },
            PageRoute(.post, "/lists/{id}/remove", user) { page in
                let id = try page.id()
                guard let musician = page.form["musicianId"].flatMap({ Int64($0) }) else { throw APIError(.badRequest, page.words[.errorRequired]) }
                try page.gateway.removeFromList(id, musician: musician)
                return page.redirect("/lists/\(id)", notice: .doneRemoved)
            },
            PageRoute(.post, "/lists/{id}/move", user) { page in
                let gateway = try page.gateway, id = try page.id()
                // One form holds every row's ↑ and ↓ (`up=ID`, `down=ID`); `musicianId` with `direction` also works.
                let form = page.form
                guard let musician = (form["up"] ?? form["down"] ?? form["musicianId"]).flatMap({ Int64($0) }) else {
                    throw APIError(.badRequest, page.words[.errorRequired])
                }
                let order = Self.moved(try gateway.ranking(list: id), musician, up: form["up"] != nil || form["direction"] == "up")
                try gateway.reorderList(id, order: order)
                return page.redirect("/lists/\(id)")
            },
            PageRoute(.post, "/lists/{id}/order", user) { page in
                let id = try page.id()
                let order = (page.form["order"] ?? "").split(separator: ",").compactMap { Int64($0) }
                try page.gateway.reorderList(id, order: order)
                return page.redirect("/lists/\(id)", notice: .doneSaved)
            },
            PageRoute(.post, "/lists/{id}/describe", user) { page in
                let id = try page.id()
                try page.gateway.describeList(id, description: page.form.text("description") ?? "")
                return page.redirect("/lists/\(id)", notice: .doneSaved)
            },
            PageRoute(.post, "/lists/{id}/clear", user) { page in
                let id = try page.id()
                guard page.form.text("confirm")?.uppercased() == page.words[.clearConfirmWord] else {
                    return try Self.list(page, clearError: page.words[.errorTypeConfirm], formError: nil)
                }
                do {
                    try page.gateway.clearList(id)
                } catch let error as StoreError where error.code == .conflict {
                    return try Self.list(page, clearError: nil, formError: page.words[.listInUseCannotClear])
                }
                return page.redirect("/lists/\(id)", notice: .doneCleared)
            },
            PageRoute(.get, "/instruments", user) { page in try Self.instruments(page, formError: nil) },
            PageRoute(.post, "/instruments", user) { page in
                guard let name = page.form.text("name") else { return try Self.instruments(page, formError: page.words[.errorRequired]) }
                return try Self.catalogChange(page, notice: .doneCreated) { _ = try page.gateway.createInstrument(name: name, nameEn: page.form.text("nameEn")) }
            },
            PageRoute(.post, "/instruments/{id}/rename", user) { page in
                guard let name = page.form.text("name") else { return try Self.instruments(page, formError: page.words[.errorRequired]) }
                return try Self.catalogChange(page, notice: .doneSaved) { try page.gateway.renameInstrument(try page.id(), name: name, nameEn: page.form.text("nameEn")) }
            },
            PageRoute(.post, "/instruments/{id}/move", user) { page in
                let gateway = try page.gateway
                let order = Self.moved(try gateway.instruments(includeArchived: true).compactMap(\.instrument.id), try page.id(),
                                       up: page.form["direction"] == "up")
                try gateway.reorderInstruments(order)
                return page.redirect("/instruments")
            },
            PageRoute(.post, "/instruments/{id}/archive", user) { page in
                try page.gateway.setInstrumentArchived(true, instrument: try page.id())
                return page.redirect("/instruments", notice: .doneArchived)
            },
            PageRoute(.post, "/instruments/{id}/restore", user) { page in
                try page.gateway.setInstrumentArchived(false, instrument: try page.id())
                return page.redirect("/instruments", notice: .doneRestored)
            },
            PageRoute(.post, "/instruments/{id}/positions", user) { page in
                guard let name = page.form.text("name") else { return try Self.instruments(page, formError: page.words[.errorRequired]) }
                return try Self.catalogChange(page, notice: .doneCreated) {
                    _ = try page.gateway.createPosition(instrument: try page.id(), name: name, nameEn: page.form.text("nameEn"))
                }
            },
            PageRoute(.post, "/positions/{id}/rename", user) { page in
                guard let name = page.form.text("name") else { return try Self.instruments(page, formError: page.words[.errorRequired]) }
                return try Self.catalogChange(page, notice: .doneSaved) { try page.gateway.renamePosition(try page.id(), name: name, nameEn: page.form.text("nameEn")) }
            },
            PageRoute(.post, "/positions/{id}/move", user) { page in
                let gateway = try page.gateway, id = try page.id()
                guard let section = try gateway.instruments(includeArchived: true).first(where: { $0.positions.contains { $0.id == id } }) else {
                    throw APIError(.notFound, page.words[.errorNotFound])
                }
                try gateway.reorderPositions(instrument: section.instrument.id!, Self.moved(section.positions.compactMap(\.id), id, up: page.form["direction"] == "up"))
                return page.redirect("/instruments")
            },
            PageRoute(.post, "/positions/{id}/archive", user) { page in
                try page.gateway.setPositionArchived(true, position: try page.id())
                return page.redirect("/instruments", notice: .doneArchived)
            },
            PageRoute(.post, "/positions/{id}/restore", user) { page in
                try page.gateway.setPositionArchived(false, position: try page.id())
                return page.redirect("/instruments", notice: .doneRestored)
            },
        ]
    }

    /// The order with one item moved a place up or down (unchanged at either end or when it is not there).
    static func moved(_ order: [Int64], _ item: Int64, up: Bool) -> [Int64] {
        guard let index = order.firstIndex(of: item) else { return order }
        let target = up ? index - 1 : index + 1
        guard order.indices.contains(target) else { return order }
        var result = order
        result.swapAt(index, target)
        return result
    }

    static func lists(_ page: WebPage) throws -> Response {
        let gateway = try page.gateway, language = page.language
        let sizes = try gateway.listSizes()
        let instruments = try gateway.instruments().map { section -> [String: Any] in
            ["name": language == .en ? section.instrument.nameEn : section.instrument.name,
             "positions": try section.positions.map { position -> [String: Any] in
                 let label = Views.positionLabel(position: position.name, positionEn: position.nameEn, instrument: section.instrument.name,
                                                 instrumentEn: section.instrument.nameEn, language: language)
                 return ["name": language == .en ? position.nameEn : position.name,
                         "lists": (sizes[position.id ?? 0] ?? []).map {
                             ["id": $0.id, "type": $0.type, "count": $0.count, "label": "\(label): \($0.type)"] as [String: Any]
                         }]
             }]
        }
        return page.render("lists", title: page.words[.navLists], section: .lists, ["instruments": instruments])
    }

    static func list(_ page: WebPage, clearError: String?, formError: String?) throws -> Response {
        let gateway = try page.gateway, words = page.words, language = page.language, id = try page.id()
        let list = try gateway.rankingList(id)
        guard let label = Views.positionLabel(list.positionId, in: try gateway.instruments(includeArchived: true), language: language) else {
            throw APIError(.notFound, words[.errorNotFound])
        }
        let names = try gateway.musicianNames(list.musicianIds)
        // The first 50 who may be added; a search finds the others (a roster of 2,000 has hundreds per position).
        let candidates = try gateway.qualifiedMusicians(position: list.positionId, search: page.query("q"), excluding: Set(list.musicianIds),
                                                        limit: 50)
        let needs = try list.usedByNeeds.map { try gateway.needSummary($0) }
        var view: [String: Any] = [
            "id": id, "heading": "\(label): \(words[.listTypeTitle]) \(list.listType)",
            "description": list.description ?? "", "q": page.query("q") ?? "", "confirmWord": words[.clearConfirmWord],
            "clearError": clearError ?? false as Any, "formError": formError ?? false as Any,
            "siblings": try gateway.rankingLists(position: list.positionId).map {
                ["id": $0.id, "type": $0.listType, "count": $0.musicianIds.count, "current": $0.id == id] as [String: Any]
            },
            "inUse": !needs.isEmpty,
            "usedBy": needs.map { ["id": $0.need.id ?? 0, "label": $0.projectName] as [String: Any] },
        ]
        view.merge(Views.ranking(list: id, musicians: list.musicianIds, names: names, candidates: candidates, words: words)) { $1 }
        let failed = clearError != nil || formError != nil
        return page.render("list", title: label, section: .lists, status: failed ? .unprocessableContent : .ok, view)
    }

    /// A name the store may refuse (taken, or empty): the page comes back with the refusal in the reader's
    /// language instead of an error page.
    static func catalogChange(_ page: WebPage, notice: Word, _ change: () throws -> Void) throws -> Response {
        do { try change() } catch let error as StoreError where [.conflict, .invalidInput].contains(error.code) {
            return try instruments(page, formError: page.words.explain(error))
        }
        return page.redirect("/instruments", notice: notice)
    }

    static func instruments(_ page: WebPage, formError: String?) throws -> Response {
        let sections = try page.gateway.instruments(includeArchived: true)
        let view: [String: Any] = [
            "formError": formError ?? false as Any,
            "instruments": sections.enumerated().map { index, section -> [String: Any] in
                ["id": section.instrument.id ?? 0, "name": section.instrument.name, "nameEn": section.instrument.nameEn,
                 "archived": section.instrument.isArchived, "first": index == 0, "last": index == sections.count - 1,
                 "positions": section.positions.enumerated().map { i, p -> [String: Any] in
                     ["id": p.id ?? 0, "name": p.name, "nameEn": p.nameEn, "archived": p.isArchived,
                      "first": i == 0, "last": i == section.positions.count - 1]
                 }]
            },
        ]
        return page.render("instruments", title: page.words[.navInstruments], section: .instruments,
                           status: formError == nil ? .ok : .unprocessableContent, view)
    }
}
