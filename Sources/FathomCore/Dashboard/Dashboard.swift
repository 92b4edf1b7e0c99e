/// A text dashboard: a title, variables with defaults, a default time range, and rows of panels
/// drawn from Fathom queries. Built from YAML by `DashboardFile` (FathomConfig) and drawn by
/// `DashboardFrame`.
public struct Dashboard: Sendable, Equatable {
    /// The name it is found by (`overview`, the file name without `.yaml`).
    public var name: String
    /// The title on the frame's header line.
    public var title: String
    /// What it is for, one sentence (shown by `fathom dashboard --list`).
    public var description: String
    /// The variables queries may use as `$name` or `${name}`, in file order.
    public var variables: [DashboardVariable]
    /// The range every panel covers unless it overrides it, in ms (ending at the frame's `at`).
    public var range: Int64
    /// The rows, top to bottom.
    public var rows: [DashboardRow]

    public init(
        name: String, title: String, description: String = "", variables: [DashboardVariable] = [],
        range: Int64 = 3_600_000, rows: [DashboardRow]
    ) {
        self.name = name
        self.title = title
        self.description = description
        self.variables = variables
        self.range = range
        self.rows = rows
    }
}

/// A variable of a dashboard: `$function`, `$version`, …
public struct DashboardVariable: Sendable, Equatable {
    public var name: String
    /// The value when none is given; nil means: the busiest value of the tag of the same name
    /// (by `fn.invocations` over the dashboard's range) when there is such a tag, else empty.
    public var defaultValue: String?

    public init(name: String, defaultValue: String?) {
        self.name = name
        self.defaultValue = defaultValue
    }
}

/// A row of panels that share the frame's width.
public struct DashboardRow: Sendable, Equatable {
    /// An optional heading (not drawn; for readers of the file).
    public var title: String
    public var panels: [DashboardPanel]

    public init(title: String = "", panels: [DashboardPanel]) {
        self.title = title
        self.panels = panels
    }
}

/// What a panel draws.
public enum PanelKind: String, Sendable, Equatable, CaseIterable {
    /// One number per series over the window, with its change against the window before.
    case stat
    /// Block sparklines over the window, one line per series, with min, max and last.
    case timeseries
    /// Horizontal bars, one per series, over the window.
    case bar
    /// Rows of series (by their tags), one column per query, over the window.
    case table
    /// The N series with the largest value over the window.
    case topn
    /// Alerts that are firing or pending.
    case alerts
    /// The canary verdict of a function's newest version against the one before.
    case canary
}

/// The unit of a panel's values: how numbers are written.
public enum PanelUnit: String, Sendable, Equatable, CaseIterable {
    case ms
    case percent = "%"
    case count
    case usd = "USD"
    case mb = "MB"
    case s
    case none = ""
}

/// One column of a table panel.
public struct DashboardColumn: Sendable, Equatable {
    public var title: String
    public var query: String
    public var unit: PanelUnit

    public init(title: String, query: String, unit: PanelUnit = .none) {
        self.title = title
        self.query = query
        self.unit = unit
    }
}

/// One panel: a kind, a title, and where its numbers come from.
public struct DashboardPanel: Sendable, Equatable {
    public var title: String
    public var kind: PanelKind
    /// The query (with `$variables`); empty for `alerts` and `canary`, and for tables with columns.
    public var query: String
    /// A table's columns (each its own query); empty for other kinds.
    public var columns: [DashboardColumn]
    /// The panel's own range in ms, overriding the dashboard's.
    public var range: Int64?
    public var unit: PanelUnit
    /// The most series (lines, bars, rows) shown; nil: as many as fit (`topn`: 10).
    public var limit: Int?
    /// For `canary`: the function, baseline and canary (with `$variables`; empty: picked from the data).
    public var function: String
    public var baseline: String
    public var canary: String

    public init(
        title: String, kind: PanelKind, query: String = "", columns: [DashboardColumn] = [], range: Int64? = nil,
        unit: PanelUnit = .none, limit: Int? = nil, function: String = "$function", baseline: String = "",
        canary: String = ""
    ) {
        self.title = title
        self.kind = kind
        self.query = query
        self.columns = columns
        self.range = range
        self.unit = unit
        self.limit = limit
        self.function = function
        self.baseline = baseline
        self.canary = canary
    }
}
