import CMosquitto
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import SystemPrimitives

/// The network thread of a plain-TCP connection, and the lock that keeps libmosquitto's socket
/// I/O on one thread at a time.
///
/// Why not `mosquitto_loop_start`: its thread sends every message itself, so each publish from
/// another thread wakes it through a socketpair — at 20,000 predictions a second that is 20,000
/// extra thread hand-overs on a two-core board. Here the publishing thread writes its own
/// messages (`flush`) and this thread reads, keeps the connection alive, and writes only what
/// others could not (a full socket buffer, packets queued inside callbacks, rare control
/// packets after `wake`). TLS connections keep libmosquitto's thread: its handshake and its
/// OpenSSL want-read/want-write handling are written for its own loop, and nothing here tests
/// them driven from two threads.
///
/// Rules: the handle is marked threaded (`mosquitto_threaded_set`), so `mosquitto_publish` and
/// friends only queue packets and never call back; every libmosquitto call that touches the
/// socket (`loop_read`, `loop_write`, `loop_misc`) runs under `ioLock` and only while `active`
/// (between `begin` and `end`, which the supervisor calls around one connection), so none
/// overlaps another or `mosquitto_reinitialise`. Callbacks run inside those calls and take the
/// client's lock, so `ioLock` is never taken while holding the client's lock.
final class NetworkLoop: @unchecked Sendable {  // `active` is guarded by `ioLock`; `thread` is the supervisor's
    private let handle: OpaquePointer
    private let ioLock: UnsafeMutablePointer<pthread_mutex_t>
    private let wakeupFD: Int32
    private let stopRequested = Atomic<Bool>(false)
    private var active = false
    private var thread: pthread_t? = nil

    /// Most packets read per wake-up before keep-alive and writes get their turn.
    private static let readBurst = 64

    /// Nil when no eventfd can be made (the process is out of descriptors): the client then uses
    /// libmosquitto's own thread.
    init?(handle: OpaquePointer) {
        let fd = hamlet_mqtt_wakeup_fd()
        guard fd >= 0 else { return nil }
        self.handle = handle
        wakeupFD = fd
        ioLock = .allocate(capacity: 1)
        pthread_mutex_init(ioLock, nil)
    }

    deinit {
        Glibc.close(wakeupFD)
        pthread_mutex_destroy(ioLock)
        ioLock.deallocate()
    }

    /// Starts the thread for the connection that `mosquitto_connect_async` has just begun
    /// (supervisor thread only).
    func begin() {
        pthread_mutex_lock(ioLock)
        active = true
        pthread_mutex_unlock(ioLock)
        stopRequested.store(false, ordering: .releasing)
        thread = startJoinableThread(named: "hamlet-mqtt-io") { self.run() }
    }

    /// Stops and joins the thread; afterwards no other thread touches the socket until the next
    /// `begin` (supervisor thread only).
    func end() {
        stopRequested.store(true, ordering: .releasing)
        wake()
        if let thread { pthread_join(thread, nil) }
        thread = nil
        pthread_mutex_lock(ioLock)
        active = false
        pthread_mutex_unlock(ioLock)
    }

    /// Makes the thread look at the handle again: something was queued that it should write.
    /// Safe from any thread, with or without the client's lock.
    func wake() {
        var one: UInt64 = 1
        _ = write(wakeupFD, &one, MemoryLayout<UInt64>.size)
    }

    /// Writes what libmosquitto has queued, on the calling thread. Call without the client's
    /// lock. When the network thread is busy with the socket it is asked to write instead, so
    /// a publisher never waits for a burst of reads.
    ///
    /// `corked`: several packets are waiting; TCP_CORK holds them until all are written, so they
    /// leave in one segment instead of one each (TCP_NODELAY sends every write at once).
    func flush(corked: Bool = false) {
        guard pthread_mutex_trylock(ioLock) == 0 else {
            wake()
            return
        }
        var leftOver = false
        // `active` first: between connections the supervisor reinitialises the handle.
        let socket = active ? mosquitto_socket(handle) : -1
        if socket >= 0 {
            var on: Int32 = 1
            if corked { setsockopt(socket, Int32(IPPROTO_TCP), TCP_CORK, &on, socklen_t(MemoryLayout<Int32>.size)) }
            _ = mosquitto_loop_write(handle, 1)
            if corked && mosquitto_socket(handle) == socket {
                var off: Int32 = 0
                setsockopt(socket, Int32(IPPROTO_TCP), TCP_CORK, &off, socklen_t(MemoryLayout<Int32>.size))
            }
            leftOver = mosquitto_socket(handle) >= 0 && mosquitto_want_write(handle)
        }
        pthread_mutex_unlock(ioLock)
        // A full socket buffer: the network thread waits for room.
        if leftOver { wake() }
    }

    private func run() {
        while !stopRequested.load(ordering: .acquiring) {
            pthread_mutex_lock(ioLock)
            let socket = mosquitto_socket(handle)
            let wantsWrite = mosquitto_want_write(handle)
            pthread_mutex_unlock(ioLock)
            // The connection has ended and its disconnect callback has run.
            if socket < 0 { return }
            var fds = (
                pollfd(fd: socket, events: Int16(POLLIN) | (wantsWrite ? Int16(POLLOUT) : 0), revents: 0),
                pollfd(fd: wakeupFD, events: Int16(POLLIN), revents: 0))
            // At most a second, so that keep-alive (at least 5 s) is checked in time.
            let ready = withUnsafeMutableBytes(of: &fds) {
                poll($0.baseAddress!.assumingMemoryBound(to: pollfd.self), 2, 1000)
            }
            if ready < 0 {
                if errno != EINTR { usleep(10_000) }  // EINVAL/ENOMEM: do not spin
                continue
            }
            if fds.1.revents != 0 {
                var count: UInt64 = 0
                _ = read(wakeupFD, &count, MemoryLayout<UInt64>.size)
            }
            pthread_mutex_lock(ioLock)
            service(readable: fds.0.revents & Int16(POLLIN | POLLERR | POLLHUP) != 0)
            pthread_mutex_unlock(ioLock)
        }
    }

    /// One round of socket work (`ioLock` held). Reads a burst of packets per wake-up, because a
    /// poll per packet would cost as much as the read.
    private func service(readable: Bool) {
        if readable {
            for _ in 0..<Self.readBurst {
                errno = 0
                let rc = mosquitto_loop_read(handle, 1)
                // libmosquitto reads one packet per call; EAGAIN means the socket is drained.
                if rc != MOSQ_ERR_SUCCESS.rawValue || errno == EAGAIN || mosquitto_socket(handle) < 0 { break }
            }
        }
        guard mosquitto_socket(handle) >= 0 else { return }
        if mosquitto_want_write(handle) { _ = mosquitto_loop_write(handle, 1) }
        if mosquitto_socket(handle) >= 0 { _ = mosquitto_loop_misc(handle) }
    }
}
