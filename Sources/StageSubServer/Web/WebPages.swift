/// The staff interface: one controller per screen group, each exposing its pages.
enum WebPages {
    static let all: [PageRoute] = SessionPages().pages + DashboardPages().pages + MusicianPages().pages + ProjectPages().pages + CatalogPages().pages
        + CommunicationPages().pages + SettingsPages().pages + AdminPages().pages
}
