import Foundation
import StageSubCore
import Testing

@Suite("CSV as Excel writes it")
struct CSVTableTests {
    @Test("semicolons, a byte-order mark, quoted separators, doubled quotes and line breaks, å/ä/ö")
    func excelSweden() throws {
        let text = "Förnamn;Efternamn;E-post;Anteckningar\r\nÅsa;Öberg;asa@example.se;\"Spelar även barock; \"\"gärna\"\"\r\nandra raden\"\r\nNils;Ek;nils@example.se;\r\n"
        let table = try CSVTable(data: Data([0xEF, 0xBB, 0xBF]) + Data(text.utf8))
        #expect(table.delimiter == ";")
        #expect(table.header == ["Förnamn", "Efternamn", "E-post", "Anteckningar"])
        #expect(table.records.count == 2)
        #expect(table.records[0].fields[3] == "Spelar även barock; \"gärna\"\nandra raden")
        #expect(table.records[1].line == 4)  // the quoted line break moved it down a line
        #expect(table.records[1].fields[0] == "Nils")
    }

    @Test("commas and Windows-1252")
    func windows1252() throws {
        let bytes: [UInt8] = Array("First name,Last name,Email\n".utf8) + [0xC5, 0x73, 0x61] + Array(",".utf8) + [0xD6, 0x62, 0x65, 0x72, 0x67]
            + Array(",a@b.se\n".utf8)
        let table = try CSVTable(data: Data(bytes))
        #expect(table.delimiter == ",")
        #expect(table.records.first?.fields == ["Åsa", "Öberg", "a@b.se"])
    }

    @Test("a quote never closed is named with its line")
    func unclosed() {
        #expect(throws: CSVError(line: 2, message: "a quoted field is never closed")) { try CSVTable(text: "a;b\n\"x;y\n") }
        #expect(throws: CSVError.self) { try CSVTable(text: "") }
    }

    @Test("every bad row is reported by line and reason; duplicates in the file are never merged")
    func rows() throws {
        let table = try CSVTable(text: """
            förnamn;efternamn;e-post;språk;lokalboende
            Anna;Lind;anna@example.se;svenska;ja
            ;Berg;berg@example.se;;
            Olle;Holm;inte-en-adress;;
            Anna;Lind;ANNA@example.se;;
            Per;Ek;per@example.se;finska;kanske
            """)
        let (drafts, issues, _) = MusicianImport.read(table)
        #expect(drafts.map(\.firstName) == ["Anna"])
        #expect(drafts.first?.localResidence == true && drafts.first?.preferredLanguage == "sv")
        #expect(issues.map(\.line) == [3, 4, 5, 6])
        #expect(issues[0].message == "first name missing")
        #expect(issues[1].message.contains("not an email address"))
        #expect(issues[2].message.contains("also on line 2"))
        #expect(issues[3].message.contains("finska") && issues[3].message.contains("kanske"))
        let missing = MusicianImport.read(try CSVTable(text: "namn;telefon\nA;1\n"))
        #expect(missing.issues.count == 3 && missing.issues.allSatisfy { $0.line == 1 })
    }
}

@Suite("Import headers as people spell them")
struct ImportHeaderTests {
    @Test("case, spaces, hyphens and Swedish or English names all find their column; unknown columns are named")
    func spellings() throws {
        let cases = ["FÖRNAMN;Efter namn;E-Post;Mobil-nummer;Lokalt boende;Språk;Kommentar;Tröjstorlek",
                     "First Name;last_name;E-mail;Phone Number;Local Residence;Language;Notes;Shirt"]
        for header in cases {
            let table = try CSVTable(text: header + "\nEva;Ek;eva@x.se;070-1;ja;en;hej;M\n")
            let (drafts, issues, ignored) = MusicianImport.read(table)
            #expect(issues.isEmpty, "\(header): \(issues)")
            let eva = try #require(drafts.first)
            #expect(eva.phone == "070-1" && eva.localResidence && eva.preferredLanguage == "en" && eva.notes == "hej", "\(header)")
            #expect(ignored == [String(header.split(separator: ";").last!)])
        }
    }
}
