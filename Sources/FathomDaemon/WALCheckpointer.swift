import FathomStore
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Checkpoints the store's WAL from its own connection and thread, every half second, so that
/// the tail loop's commits never stop to copy the WAL into the database (seen in the soak: 2 s
/// commits once the store passed 1 GB, with autocheckpoint on the writing connection). The copying
/// is passive; once the WAL passes 64 MiB a `RESTART` checkpoint (quick, as little is left to
/// copy) makes the next commit start the WAL over, so it stays bounded.
struct WALCheckpointer: Service {
    let store: EmbeddedStore
    let logger: Logger
    var intervalMillis = 500

    func run() async throws {
        let stop = Atomic<Bool>(false)
        let store = store
        let logger = logger
        let interval = intervalMillis
        await withGracefulShutdownHandler {
            await withCheckedContinuation { (k: CheckedContinuation<Void, Never>) in
                let thread = Thread {
                    var failures = 0
                    while !stop.load(ordering: .acquiring) {
                        Thread.sleep(forTimeInterval: Double(interval) / 1000)
                        do {
                            try store.checkpointWAL()
                            failures = 0
                        } catch {
                            failures += 1
                            if failures == 1 { logger.warning("WAL checkpoint failed", metadata: ["error": "\(error)"]) }
                        }
                    }
                    // A last one after the tail loop's final commit.
                    _ = try? store.checkpointWAL()
                    k.resume()
                }
                thread.name = "fathom-checkpoint"
                thread.start()
            }
        } onGracefulShutdown: {
            stop.store(true, ordering: .releasing)
        }
    }
}
