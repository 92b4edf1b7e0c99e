import FathomCore
import Foundation

/// Finds dashboards by name or file: a FILE path first, then `NAME.yaml` in the directories
/// (`--dir`, `$FATHOM_DASHBOARDS`, `./dashboards`), then the built-in ones. What `fathom dashboard`
/// and the daemon's `GET /dashboards/{name}` use.
public struct DashboardCatalog: Sendable {
    /// The directories searched, in order.
    public var directories: [String]

    /// A catalog searching `directories`, then the built-in dashboards.
    public init(directories: [String]) { self.directories = directories }

    /// `directory` (a `--dir`), else `$FATHOM_DASHBOARDS`, then `./dashboards`, then built-in.
    public static func standard(directory: String? = nil, environment: [String: String]) -> DashboardCatalog {
        var dirs: [String] = []
        if let directory { dirs.append(directory) } else if let env = environment["FATHOM_DASHBOARDS"], !env.isEmpty { dirs.append(env) }
        dirs.append("dashboards")
        return DashboardCatalog(directories: dirs)
    }

    /// One dashboard the catalog knows.
    public struct Entry: Sendable, Equatable {
        public var name: String
        public var title: String
        public var description: String
        /// The file it comes from, or `built-in`.
        public var source: String
    }

    /// A name no directory and no built-in dashboard has.
    public struct NotFound: Error, CustomStringConvertible, Sendable {
        public var name: String
        public var known: [String]
        public var description: String {
            "no dashboard named '\(name)'; known: \(known.joined(separator: ", ")) (or give a YAML file)"
        }
    }

    /// Every dashboard by name (a directory's file hides a built-in one of the same name), sorted;
    /// files that do not load are listed with their first mistake as the description.
    public func entries() -> [Entry] {
        var seen: [String: Entry] = [:]
        for dir in directories {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { continue }
            for file in names.sorted() where file.hasSuffix(".yaml") || file.hasSuffix(".yml") {
                let name = DashboardFile.name(ofFile: file)
                guard seen[name] == nil else { continue }
                let path = dir + "/" + file
                do {
                    let d = try DashboardFile.load(path: path)
                    seen[name] = Entry(name: name, title: d.title, description: d.description, source: path)
                } catch {
                    seen[name] = Entry(name: name, title: "(does not load)", description: error.errors.first?.description ?? "", source: path)
                }
            }
        }
        for (file, text) in BuiltinDashboards.files {
            let name = DashboardFile.name(ofFile: file)
            guard seen[name] == nil, let d = try? DashboardFile.parse(text, file: "built-in " + file, name: name) else { continue }
            seen[name] = Entry(name: name, title: d.title, description: d.description, source: "built-in")
        }
        return seen.values.sorted { $0.name < $1.name }
    }

    /// The dashboard `nameOrPath` names: an existing file (a path with `/` or ending in `.yaml`),
    /// else `NAME.yaml` / `NAME.yml` in the directories, else a built-in one. Throws
    /// `ConfigErrors` for a file with mistakes, `NotFound` for an unknown name.
    public func load(_ nameOrPath: String) throws -> Dashboard {
        let isPath = nameOrPath.contains("/") || nameOrPath.hasSuffix(".yaml") || nameOrPath.hasSuffix(".yml")
        if isPath {
            guard FileManager.default.fileExists(atPath: nameOrPath) else {
                throw ConfigErrors([ConfigError(file: nameOrPath, line: 1, column: 1, message: "no such file")])
            }
            return try DashboardFile.load(path: nameOrPath)
        }
        for dir in directories {
            for ext in [".yaml", ".yml"] {
                let path = dir + "/" + nameOrPath + ext
                if FileManager.default.fileExists(atPath: path) { return try DashboardFile.load(path: path) }
            }
        }
        if let (file, text) = BuiltinDashboards.files.first(where: { DashboardFile.name(ofFile: $0.name) == nameOrPath }) {
            return try DashboardFile.parse(text, file: "built-in " + file, name: nameOrPath)
        }
        throw NotFound(name: nameOrPath, known: entries().map(\.name))
    }

    /// The frame of the dashboard `name` as plain text (what `GET /dashboards/{name}` serves):
    /// `load(name)`, then `DashboardFrame.render`.
    public func render(
        _ name: String, variables: [String: String] = [:], context: DashboardContext,
        options: DashboardOptions = DashboardOptions()
    ) throws -> String {
        DashboardFrame.render(try load(name), variables: variables, context: context, options: options)
    }

    /// The list as text: `name  title  (source)` per line.
    public func listing() -> String {
        let all = entries()
        let w = all.map(\.name.count).max() ?? 0
        return all.map { e in
            e.name + String(repeating: " ", count: w - e.name.count) + "  " + e.title
                + (e.source == "built-in" ? "" : "  (\(e.source))")
        }.joined(separator: "\n") + (all.isEmpty ? "" : "\n")
    }
}
