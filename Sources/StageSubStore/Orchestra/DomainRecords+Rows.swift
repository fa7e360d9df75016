import Foundation
import GRDB
import StageSubCore

// Needs, requests, projects, instruments and positions are read by the hundred on every staff page: the dashboard, a project's
// page, a need's preview. GRDB's `Decodable` reading of a row costs several microseconds (it was an eighth
// of the dashboard's time, docs/benchmarks.md, "Staff pages"); these read each column by name with GRDB's
// throwing `decode`, and dates with `StoredDate`, so a stored value that does not convert is an error for
// that read, as it was through `Decodable`, and never stops the process.

extension ProjectNeed {
    public init(row: Row) throws {
        id = try row.decode(forColumn: "id")
        projectId = try row.decode(forColumn: "projectId")
        positionId = try row.decode(forColumn: "positionId")
        quantity = try row.decode(forColumn: "quantity")
        rankingListId = try row.decode(forColumn: "rankingListId")
        customRankingListId = try row.decode(forColumn: "customRankingListId")
        strategy = try row.decode(forColumn: "strategy")
        maxRecipients = try row.decode(forColumn: "maxRecipients")
        responseTimeHours = try row.decode(forColumn: "responseTimeHours")
        requireLocalResidence = try row.decode(forColumn: "requireLocalResidence")
        status = try row.decode(forColumn: "status")
        createdAt = try StoredDate.required(row, "createdAt")
        updatedAt = try StoredDate.required(row, "updatedAt")
        sendingStartedAt = try StoredDate.ifSelected(row, "sendingStartedAt")
        escalationStep = try row.decode(forColumn: "escalationStep")
    }
}

extension SubstituteRequest {
    public init(row: Row) throws {
        id = try row.decode(forColumn: "id")
        needId = try row.decode(forColumn: "needId")
        musicianId = try row.decode(forColumn: "musicianId")
        status = try row.decode(forColumn: "status")
        tokenHash = try row.decode(forColumn: "tokenHash")
        sentAt = try StoredDate.required(row, "sentAt")
        reminderDueAt = try StoredDate.ifSelected(row, "reminderDueAt")
        reminderSentAt = try StoredDate.ifSelected(row, "reminderSentAt")
        deadlineAt = try StoredDate.required(row, "deadlineAt")
        respondedAt = try StoredDate.ifSelected(row, "respondedAt")
        conflictProjectId = try row.decode(forColumn: "conflictProjectId")
        withdrawnAt = try StoredDate.ifSelected(row, "withdrawnAt")
        bookedDirectly = try row.decode(forColumn: "bookedDirectly")
    }
}

extension Instrument {
    public init(row: Row) throws {
        id = try row.decode(forColumn: "id")
        name = try row.decode(forColumn: "name")
        nameEn = try row.decode(forColumn: "nameEn")
        displayOrder = try row.decode(forColumn: "displayOrder")
        isArchived = try row.decode(forColumn: "isArchived")
    }
}

extension Position {
    public init(row: Row) throws {
        id = try row.decode(forColumn: "id")
        instrumentId = try row.decode(forColumn: "instrumentId")
        name = try row.decode(forColumn: "name")
        nameEn = try row.decode(forColumn: "nameEn")
        hierarchyLevel = try row.decode(forColumn: "hierarchyLevel")
        isArchived = try row.decode(forColumn: "isArchived")
    }
}

extension Project {
    public init(row: Row) throws {
        id = try row.decode(forColumn: "id")
        name = try row.decode(forColumn: "name")
        startDate = try row.decode(forColumn: "startDate")
        endDate = try row.decode(forColumn: "endDate")
        weekNumber = try row.decode(forColumn: "weekNumber")
        rehearsalSchedule = try row.decode(forColumn: "rehearsalSchedule")
        concertInfo = try row.decode(forColumn: "concertInfo")
        notes = try row.decode(forColumn: "notes")
        archivedAt = try StoredDate.ifSelected(row, "archivedAt")
        createdAt = try StoredDate.required(row, "createdAt")
        updatedAt = try StoredDate.required(row, "updatedAt")
        location = try row.decode(forColumn: "location")
    }
}
