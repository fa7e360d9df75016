import Foundation
import StageSubCore
import StageSubStore

/// The home page of an orchestra: what needs attention, and for an empty orchestra the way to its first
/// filled concert.
struct DashboardPages {
    var pages: [PageRoute] {
        [
            PageRoute(.get, "/", .orchestra(.user)) { page in
                let gateway = try page.gateway
                let zone = page.timeZone, language = page.language, words = page.words
                let data = try gateway.dashboard(now: page.now, today: Format.today(page.now, timeZone: zone))
                var view: [String: Any] = [
                    "pendingRequests": data.pendingRequests, "answeredLastWeek": data.answeredLastWeek,
                    "activeMusicians": data.activeMusicians,
                    "responseRate": data.responseRate30Days.map { Format.percent(Int(($0 * 100).rounded()), language: language) } ?? "–",
                    "waiting": data.waiting.map { Views.need($0, page) },
                    "unfilled": data.unfilled.map { Views.need($0, page) },
                    "upcoming": data.upcoming.map { Views.project($0, page) },
                    "activity": data.activity.map { item -> [String: Any] in
                        ["musicianId": item.musicianId, "name": item.musicianName, "verb": words.activityVerb(item.status),
                         "position": Views.positionLabel(position: item.positionName, positionEn: item.positionNameEn,
                                                         instrument: item.instrumentName, instrumentEn: item.instrumentNameEn, language: language),
                         "projectId": item.projectId, "projectName": item.projectName,
                         "when": Format.shortDateTime(item.at, timeZone: zone, language: language)]
                    },
                ]
                if !data.onboarding.isDone { view["onboarding"] = ["steps": Self.onboardingSteps(data.onboarding, words)] }
                return page.render("dashboard", title: words[.navDashboard], section: .dashboard, view)
            },
        ]
    }

    /// The checklist from instruments to the first request sent; each step links where it is done.
    static func onboardingSteps(_ state: OnboardingState, _ words: Words) -> [[String: Any]] {
        [
            ["label": words[.onboardingPositions], "href": "/instruments", "done": state.positions > 0],
            ["label": words[.onboardingMusicians], "href": "/musicians/new", "done": state.musicians > 0, "hint": words[.onboardingMusiciansHint]],
            ["label": words[.onboardingLists], "href": "/lists", "done": state.rankedMusicians > 0],
            ["label": words[.onboardingProject], "href": "/projects/new", "done": state.projects > 0],
            ["label": words[.onboardingNeed], "href": "/projects", "done": state.needs > 0],
            ["label": words[.onboardingSend], "href": "/projects", "done": state.requests > 0],
        ]
    }
}

/// Pieces of views that several pages show the same way.
enum Views {
    /// "Tutti, Altfiol" / "Tutti, Viola".
    /// A position by id as the pages name it ("Tutti, Altfiol"), from the catalogue; nil for no such position.
    static func positionLabel(_ id: Int64, in sections: [InstrumentSection], language: Language) -> String? {
        for section in sections {
            if let p = section.positions.first(where: { $0.id == id }) {
                return positionLabel(position: p.name, positionEn: p.nameEn, instrument: section.instrument.name,
                                     instrumentEn: section.instrument.nameEn, language: language)
            }
        }
        return nil
    }

    /// What both list pages (a position's A/B/C list, a project's own list) show of a ranking: its rows with
    /// ↑/↓/✕, its count, and the first musicians who may be added with how many more there are.
    static func ranking(list id: Int64, musicians: [Int64], names: [Int64: String],
                        candidates: (musicians: [(id: Int64, name: String)], total: Int), words: Words) -> [String: Any] {
        [
            "count": musicians.count,
            "ranked": musicians.enumerated().map { index, musician -> [String: Any] in
                ["id": musician, "listId": id, "rank": index + 1, "name": names[musician] ?? "#\(musician)",
                 "first": index == 0, "last": index == musicians.count - 1]
            },
            "candidates": candidates.musicians.map { ["id": $0.id, "name": $0.name] as [String: Any] },
            "moreCandidates": candidates.total > candidates.musicians.count ? words.candidatesShown(candidates.musicians.count, of: candidates.total) : false,
        ]
    }

    static func positionLabel(position: String, positionEn: String, instrument: String, instrumentEn: String, language: Language) -> String {
        let (p, i) = language == .en ? (positionEn, instrumentEn) : (position, instrument)
        return p == i ? p : "\(p), \(i)"
    }

    static func need(_ summary: NeedSummary, _ page: WebPage) -> [String: Any] {
        let need = summary.need, words = page.words
        return [
            "id": need.id ?? 0, "projectId": need.projectId, "projectName": summary.projectName,
            "date": Format.day(summary.projectStart, language: page.language),
            "position": positionLabel(position: summary.positionName, positionEn: summary.positionNameEn, instrument: summary.instrumentName,
                                      instrumentEn: summary.instrumentNameEn, language: page.language),
            "quantity": need.quantity, "booked": summary.booked, "pending": summary.pending,
            // An active need nobody has sent yet is not "asking".
            "status": need.status == .active && need.sendingStartedAt == nil ? words[.needNotSent] : words.needStatus(need.status),
            "statusClass": need.status == .active && need.sendingStartedAt == nil ? "s-none" : needClass(need.status),
            "strategy": words.strategy(need.strategy), "list": summary.listName ?? "–",
            "responseTime": Format.duration(hours: Double(need.responseTimeHours), language: page.language),
            "isActive": need.status == .active, "isPaused": need.status == .paused,
            "isOpen": need.status == .active || need.status == .paused,
        ]
    }

    static func needClass(_ status: NeedStatus) -> String {
        switch status {
        case .active: return "s-info"
        case .paused: return "s-warn"
        case .filled: return "s-ok"
        case .cancelled: return "s-none"
        }
    }

    static func requestClass(_ status: RequestStatus) -> String {
        switch status {
        case .pending: return "s-info"
        case .accepted: return "s-ok"
        case .declined, .timedOut: return "s-bad"
        case .cancelled, .withdrawn: return "s-none"
        }
    }

    static func project(_ summary: ProjectSummary, _ page: WebPage) -> [String: Any] {
        let project = summary.project
        var view = staffing(percent: summary.staffingPercent, booked: summary.booked, wanted: summary.wanted, page)
        view["id"] = project.id ?? 0
        view["name"] = project.name
        view["period"] = Format.period(start: project.startDate, end: project.endDate, week: project.weekNumber, language: page.language)
        view["needCount"] = summary.needCount
        view["pending"] = summary.pending
        view["archived"] = project.archivedAt != nil
        return view
    }

    /// A staffing bar: green from 80 %, yellow from 50 %, and the figure written beside it.
    static func staffing(percent: Int, booked: Int, wanted: Int, _ page: WebPage) -> [String: Any] {
        let level = percent >= 80 ? "high" : percent >= 50 ? "mid" : "low"
        let text = wanted == 0 ? page.words[.noNeedsYet]
            : "\(Format.percent(percent, language: page.language)) (\(booked)/\(wanted))"
        return ["staffingPercent": percent, "staffingLevel": level, "staffingText": text]
    }

    /// Pages of a long list: "1–50 of 312", previous/next links that keep the other query parameters.
    static func pager(total: Int, limit: Int, offset: Int, page: WebPage) -> [String: Any] {
        var view: [String: Any] = ["total": total]
        let shown = total == 0 ? "0" : "\(offset + 1)–\(min(total, offset + limit))"
        view["range"] = page.language == .en ? "\(shown) of \(total)" : "\(shown) av \(total)"
        if offset > 0 { view["previous"] = link(page, replacing: "offset", with: String(max(0, offset - limit))) }
        if offset + limit < total { view["next"] = link(page, replacing: "offset", with: String(offset + limit)) }
        return view
    }

    /// This page's address with one query parameter set (and the paging and notice dropped).
    static func link(_ page: WebPage, replacing name: String, with value: String) -> String {
        var items = page.request.uri.queryParameters.filter { $0.key != name && $0.key != "offset" && $0.key != "done" }
            .map { "\($0.key)=\(String($0.value).addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }
        items.append("\(name)=\(value)")
        return page.request.uri.path + "?" + items.sorted().joined(separator: "&")
    }
}
