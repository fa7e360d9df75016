// What every new orchestra and the demo start with, as files compiled into the binary: the instruments
// and positions of a Swedish symphony orchestra, the message templates in Swedish and English, and the
// demo orchestra's people. Edit these to change what NEW orchestras get. Migrations never read them:
// a migration that seeds data carries its own copy, as it was at that version (StageSubStore/Orchestra/Frozen).

public enum StageSubSeeds {
    public static var instruments: [UInt8] { PackageResources.instruments_json }
    public static var templates: [UInt8] { PackageResources.templates_json }
    public static var demoOrchestra: [UInt8] { PackageResources.demo_orchestra_json }
}
