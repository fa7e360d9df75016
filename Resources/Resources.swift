// The staff interface's templates and static files, compiled into the binary so it stays one file. Every
// file under templates/ and static/ is listed here; a test fails when one is missing from the list.

/// The embedded files by name: templates without their `.mustache` extension.
public enum StageSubAssets {
    public static let templates: [String: String] = [
        "layout": text(PackageResources.layout_mustache),
        "login": text(PackageResources.login_mustache),
        "error": text(PackageResources.error_mustache),
        "dashboard": text(PackageResources.dashboard_mustache),
        "superadmin": text(PackageResources.superadmin_mustache),
        "answer": text(PackageResources.answer_mustache),
        "musician-page": text(PackageResources.musician_page_mustache),
        "my-link": text(PackageResources.my_link_mustache),
        "webhooks": text(PackageResources.webhooks_mustache),
        "export": text(PackageResources.export_mustache),
        "admin-nav": text(PackageResources.admin_nav_mustache),
        "admin-orchestra": text(PackageResources.admin_orchestra_mustache),
        "admin-backups": text(PackageResources.admin_backups_mustache),
        "admin-system": text(PackageResources.admin_system_mustache),
        "staffing": text(PackageResources.staffing_mustache),
        "field": text(PackageResources.field_mustache),
        "musicians": text(PackageResources.musicians_mustache),
        "musician": text(PackageResources.musician_mustache),
        "musician-form": text(PackageResources.musician_form_mustache),
        "import": text(PackageResources.import_mustache),
        "projects": text(PackageResources.projects_mustache),
        "project": text(PackageResources.project_mustache),
        "project-form": text(PackageResources.project_form_mustache),
        "project-preview": text(PackageResources.project_preview_mustache),
        "plan": text(PackageResources.plan_mustache),
        "need": text(PackageResources.need_mustache),
        "lists": text(PackageResources.lists_mustache),
        "list": text(PackageResources.list_mustache),
        "custom-list": text(PackageResources.custom_list_mustache),
        "instruments": text(PackageResources.instruments_mustache),
        "outbox": text(PackageResources.outbox_mustache),
        "message": text(PackageResources.message_mustache),
        "templates": text(PackageResources.templates_mustache),
        "template": text(PackageResources.template_mustache),
        "settings": text(PackageResources.settings_mustache),
        "users": text(PackageResources.users_mustache),
        "api-keys": text(PackageResources.api_keys_mustache),
        "audit": text(PackageResources.audit_mustache),
        "account": text(PackageResources.account_mustache),
    ]

    public static let staticFiles: [String: [UInt8]] = [
        "app.css": PackageResources.app_css,
        "app.js": PackageResources.app_js,
    ]

    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
}
