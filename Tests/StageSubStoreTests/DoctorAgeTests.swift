import Foundation
import Testing
@testable import StageSubStore

/// What `stagesub doctor` says about time: backups that grew old, and a clock that went backwards.
@Suite("Doctor: backup age and clock, with the time given")
struct DoctorAgeTests {
    @Test("a backup older than 26 hours, or none for an orchestra that old, fails; a clock behind the log fails")
    func ageAndClock() throws {
        let folder = try TemporaryDirectory()
        let directory = DataDirectory(root: folder.path("data"))
        let made = Date(timeIntervalSince1970: 1_800_000_000)
        let app = try Appliance.initialise(directory, now: { made }).appliance
        _ = try app.createOrchestra(slug: "gso", name: "GSO", adminEmail: "kansli@gso.se")
        _ = try app.createOrchestra(slug: "mso", name: "MSO", adminEmail: "kansli@mso.se")
        _ = try app.backup("gso")
        try app.close()

        let fresh = Doctor.examine(directory, now: made.addingTimeInterval(3600))
        #expect(fresh.first { $0.subject == "backup gso" }?.severity == .ok)
        #expect(fresh.first { $0.subject == "backup mso" }?.severity == .ok)  // new: the schedule makes the first

        let twoDaysOn = Doctor.examine(directory, now: made.addingTimeInterval(48 * 3600))
        let gso = try #require(twoDaysOn.first { $0.subject == "backup gso" })
        #expect(gso.severity == .fail)
        #expect(gso.line.contains("48.0 h ago") && gso.line.contains("stagesub backup gso"))
        #expect(twoDaysOn.first { $0.subject == "backup mso" }?.line.contains("never backed up") == true)

        let backwards = Doctor.examine(directory, now: made.addingTimeInterval(-3600))
        let clock = try #require(backwards.first { $0.subject == "clock" })
        #expect(clock.severity == .fail)
        #expect(clock.line.contains("timedatectl"))
    }
}
