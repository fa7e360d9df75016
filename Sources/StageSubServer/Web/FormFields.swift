import Foundation

/// A form field for the `field` partial: its label, the value typed (kept when the form comes back with
/// errors) and the error beside it. Every key is always set, so a field never picks up a key of the page
/// around it (Mustache looks names up outwards).
struct Field {
    enum Kind { case input(String), textarea, select([(value: String, label: String)]), checkbox }

    let name: String
    let label: String
    var kind: Kind = .input("text")
    var value: String = ""
    var required = false
    var hint: String?
    var autocomplete: String?
    var min: String?
    var max: String?
    var code = false

    func view(errors: FieldErrors) -> [String: Any] {
        var view: [String: Any] = ["name": name, "label": label, "value": value, "required": required, "hint": hint ?? false,
                                   "error": errors.view[name] ?? false, "autocomplete": autocomplete ?? false,
                                   "min": min ?? false, "max": max ?? false, "code": code,
                                   "isInput": false, "isTextarea": false, "isSelect": false, "isCheckbox": false, "checked": false,
                                   "options": [] as [Any], "type": "text"]
        switch kind {
        case .input(let type): view["isInput"] = true; view["type"] = type
        case .textarea: view["isTextarea"] = true
        case .select(let options):
            view["isSelect"] = true
            view["options"] = options.map { ["value": $0.value, "label": $0.label, "selected": $0.value == value] as [String: Any] }
        case .checkbox: view["isCheckbox"] = true; view["checked"] = value == "on"
        }
        return view
    }

    static func views(_ fields: [Field], errors: FieldErrors) -> [[String: Any]] { fields.map { $0.view(errors: errors) } }
}

extension WebForm {
    /// The value to show again in a field: what was sent, or the stored value on first display.
    func keep(_ name: String, else stored: String?) -> String {
        values.isEmpty ? (stored ?? "") : (self[name] ?? "")
    }

    /// A checkbox's state to show again.
    func keepChecked(_ name: String, else stored: Bool) -> String {
        (values.isEmpty ? stored : checked(name)) ? "on" : ""
    }
}

extension WebPage {
    /// A form that comes back with its errors: 422, the values kept, the messages beside the fields.
    var isResubmission: Bool { request.method == .post }
}

/// Checks on typed values, with messages in the person's language.
struct FormCheck {
    let words: Words
    var errors = FieldErrors()

    mutating func required(_ form: WebForm, _ name: String) -> String? {
        guard let value = form.text(name) else { errors.add(name, words[.errorRequired]); return nil }
        return value
    }

    mutating func email(_ form: WebForm, _ name: String) -> String? {
        guard let value = required(form, name) else { return nil }
        guard EmailAddress.isValid(value) else { errors.add(name, words[.errorEmail]); return nil }
        return value
    }

    mutating func date(_ form: WebForm, _ name: String, required: Bool) -> String? {
        guard let value = form.text(name) else {
            if required { errors.add(name, words[.errorRequired]) }
            return nil
        }
        guard let day = CalendarDay(iso: value), (2000...2100).contains(day.components.year) else {
            errors.add(name, words[.errorDate]); return nil
        }
        return value
    }

    mutating func integer(_ form: WebForm, _ name: String, in range: ClosedRange<Int>, required: Bool) -> Int? {
        guard let text = form.text(name) else {
            if required { errors.add(name, words[.errorRequired]) }
            return nil
        }
        guard let value = Int(text), range.contains(value) else {
            errors.add(name, words[.errorNumber] + " \(range.lowerBound)–\(range.upperBound)"); return nil
        }
        return value
    }

    mutating func add(_ name: String, _ message: String) { errors.add(name, message) }
}

import StageSubCore
