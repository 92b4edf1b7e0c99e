import FathomCore
import Foundation
import GRDB
import Testing

@testable import FathomStore

@Suite struct StoreAlertsTests {
    let t0: Int64 = 1_800_000_000_000

    func snapshot(_ version: String, _ state: AlertState, value: Double? = 7.5, keep: Int64? = nil) -> AlertSnapshot {
        AlertSnapshot(
            group: "g", rule: "High", labels: [Tag("alertname", "High"), Tag("version", version)],
            annotations: [Tag("summary", "v\(version), at 7.5: bad")], state: state,
            activeSince: state == .inactive ? nil : t0, firingSince: state == .firing ? t0 + 60_000 : nil, value: value,
            evaluatedAt: t0 + 120_000, keepFiringSince: keep)
    }

    func transition(_ i: Int64, _ from: AlertState, _ to: AlertState) -> AlertTransition {
        AlertTransition(
            time: t0 + i * 60_000, group: "g", rule: "High", labels: [Tag("alertname", "High"), Tag("version", "42")],
            from: from, to: to, value: Double(i))
    }

    @Test func snapshotsAndTransitionsRoundTrip() throws {
        let dir = TempDir()
        let store = try dir.store()
        #expect(try store.alertSnapshots().isEmpty)
        #expect(try store.alertsEvaluatedThrough() == nil)
        let saved = [snapshot("42", .firing, keep: t0 + 90_000), snapshot("41", .pending, value: nil), snapshot("40", .inactive)]
        try store.saveAlerts(snapshots: saved, transitions: [transition(0, .inactive, .pending), transition(1, .pending, .firing)])
        #expect(try store.alertSnapshots() == [saved[2], saved[1], saved[0]])
        #expect(try store.alertsEvaluatedThrough() == t0 + 120_000)
        // Newest first, limited, and from a time on.
        #expect(try store.alertTransitions().map(\.to) == [.firing, .pending])
        #expect(try store.alertTransitions(limit: 1) == [transition(1, .pending, .firing)])
        #expect(try store.alertTransitions(since: t0 + 60_000).count == 1)
        // Saving again replaces the state and appends to the history.
        try store.saveAlerts(snapshots: [snapshot("42", .inactive)], transitions: [transition(2, .firing, .inactive)])
        #expect(try store.alertSnapshots() == [snapshot("42", .inactive)])
        #expect(try store.alertTransitions().map(\.time) == [t0 + 120_000, t0 + 60_000, t0])
        // Upserting keeps the others.
        try store.saveAlerts(snapshots: [snapshot("41", .firing)], transitions: [], replacing: false)
        #expect(try store.alertSnapshots().map { $0.label("version") } == ["41", "42"])
        // Reopened, the same.
        let reopened = try dir.store()
        #expect(try reopened.alertSnapshots().count == 2)
        // Reset removes alert data too.
        try reopened.reset()
        #expect(try reopened.alertSnapshots().isEmpty && reopened.alertTransitions().isEmpty)
    }

    @Test func historyKeepsTheNewest() throws {
        let dir = TempDir()
        let store = try dir.store()
        let many = (0..<Int64(EmbeddedStore.alertHistoryLimit + 25)).map { transition($0, .inactive, .firing) }
        try store.saveAlerts(snapshots: [], transitions: many)
        let kept = try store.alertTransitions(limit: 20_000)
        #expect(kept.count == EmbeddedStore.alertHistoryLimit)
        #expect(kept.first?.time == many.last?.time)
        #expect(kept.last?.time == many[25].time)
    }

    @Test func schemaVersion3HasTheAlertTables() throws {
        let dir = TempDir()
        let store = try dir.store()
        #expect(StoreSchema.version >= 3)
        let tables = try store.dbQueue.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'alert%' ORDER BY name")
        }
        #expect(tables == ["alert_state", "alert_transitions"])
        // NaN values are stored as NULL rather than failing.
        try store.saveAlerts(snapshots: [snapshot("1", .firing, value: .nan)], transitions: [])
        #expect(try store.alertSnapshots().first?.value == nil)
    }
}
