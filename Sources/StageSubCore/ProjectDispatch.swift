/// One need's plan within a project-wide plan.
public struct NeedPlan: Sendable, Equatable {
    public var needId: Int64
    public var plan: DispatchPlan

    public init(needId: Int64, plan: DispatchPlan) {
        self.needId = needId
        self.plan = plan
    }
}

extension DispatchPlanner {
    /// Plans several needs of one project in the given order, as sending them one after another would:
    /// whoever an earlier need asks counts as asked (pending) for the later ones. Preview and project-wide
    /// send both call this, so they cannot disagree.
    public static func planProject(_ inputs: [DispatchInput]) -> [NeedPlan] {
        var askedSoFar: [PlannerRequest] = []
        var plans: [NeedPlan] = []
        for var input in inputs {
            input.projectRequests += askedSoFar
            let plan = plan(input)
            askedSoFar += plan.ask.map { PlannerRequest(needId: input.need.id, musicianId: $0, status: .pending) }
            plans.append(NeedPlan(needId: input.need.id, plan: plan))
        }
        return plans
    }
}
