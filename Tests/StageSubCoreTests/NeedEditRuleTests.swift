import StageSubCore
import Testing

@Suite("What may change in a need")
struct NeedEditRuleTests {
    static let base = NeedSettings(positionId: 1, quantity: 2, rankingListId: 7, customRankingListId: nil, strategy: .parallel,
                                   maxRecipients: nil, responseTimeHours: 24, requireLocalResidence: false)

    static func changed(_ change: (inout NeedSettings) -> Void) -> NeedSettings {
        var settings = base
        change(&settings)
        return settings
    }

    @Test("before any request every setting may change, but only to settings that work")
    func draft() {
        let everything = Self.changed {
            $0.positionId = 2; $0.quantity = 3; $0.rankingListId = 8; $0.strategy = .firstCome; $0.maxRecipients = 5
            $0.responseTimeHours = 48; $0.requireLocalResidence = true
        }
        #expect(NeedEditRule.refusal(from: Self.base, to: everything, requests: 0, accepted: 0) == nil)
        #expect(NeedEditRule.refusal(from: Self.base, to: Self.changed { $0.quantity = 0 }, requests: 0, accepted: 0)?.message == "quantity must be from 1 to 500")
        #expect(NeedEditRule.refusal(from: Self.base, to: Self.changed { $0.customRankingListId = 3 }, requests: 0, accepted: 0)?
                    .message.contains("one list") == true)
    }

    @Test("once asked, only the quantity may change, never below the accepted nor above first come's recipients",
          arguments: [
              (Self.changed { $0.quantity = 5 }, nil as String?),
              (Self.changed { $0.quantity = 1 }, nil),
              (Self.changed { $0.quantity = 0 }, "cannot be less than the 1 already accepted"),
              (Self.changed { $0.strategy = .sequential }, "not its strategy"),
              (Self.changed { $0.rankingListId = 9; $0.requireLocalResidence = true }, "not its list, local residence requirement"),
          ])
    func asked(to new: NeedSettings, refusal: String?) {
        let answer = NeedEditRule.refusal(from: Self.base, to: new, requests: 3, accepted: 1)?.message
        if let refusal { #expect(answer?.contains(refusal) == true, "\(answer ?? "allowed")") } else { #expect(answer == nil) }
    }

    @Test("first come with a cap on recipients: the quantity may not rise above it once asked")
    func firstComeCap() {
        let capped = Self.changed { $0.strategy = .firstCome; $0.maxRecipients = 4 }
        var more = capped
        more.quantity = 5
        #expect(NeedEditRule.refusal(from: capped, to: more, requests: 4, accepted: 0)?.message.contains("at most 4") == true)
    }
}

@Suite("Planning a whole project")
struct ProjectPlanTests {
    @Test("needs are planned in order, each seeing whom the earlier ones ask, as sending them one by one would")
    func planProject() {
        let musicians = Dictionary(uniqueKeysWithValues: (1...6).map { ($0 as Int64, PlannerMusician(id: $0, qualifiedPositions: [10, 11])) })
        let leader = PlannerNeed(id: 1, positionId: 11, positionLevel: 1, quantity: 1, strategy: .sequential, list: [2, 1])
        let tutti = PlannerNeed(id: 2, positionId: 10, positionLevel: 3, quantity: 3, strategy: .parallel, list: [1, 2, 3, 4, 5, 6])
        let inputs = [DispatchInput(need: leader, otherNeeds: [tutti], musicians: musicians),
                      DispatchInput(need: tutti, otherNeeds: [leader], musicians: musicians)]
        let plans = DispatchPlanner.planProject(inputs)
        #expect(plans.map(\.needId) == [1, 2])
        #expect(plans.map(\.plan.ask) == [[2], [1, 3, 4]])
        #expect(plans[1].plan.passed.first?.reason == .alreadyAsked(needId: 1, status: .pending))
    }
}
