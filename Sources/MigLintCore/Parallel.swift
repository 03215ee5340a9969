import Dispatch

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Work spread over threads with pthread primitives (no Foundation).
package enum Parallel {
  /// The processors online: the default for `--jobs`.
  package static var coreCount: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

  /// `transform` applied to each element on `jobs` threads; results in order.
  package static func map<Element: Sendable, Value: Sendable>(
    _ elements: [Element], jobs: Int, _ transform: @Sendable (Element) -> Value
  ) -> [Value] {
    // One job, or one element: no threads to share it with.
    guard jobs > 1, elements.count > 1 else { return elements.map(transform) }
    let storage = Slots<Value>(count: elements.count)
    let next = Counter()
    DispatchQueue.concurrentPerform(iterations: max(1, min(jobs, elements.count))) { _ in
      while let index = next.take(below: elements.count) { storage.put(index, transform(elements[index])) }
    }
    return (0..<elements.count).map { storage.wait($0) }
  }

  /// As ``map(_:jobs:_:)``, but each element is handed over to `transform` and let go once its
  /// value is made, not when all are (`elements` is left empty): a file's raw findings are as large
  /// as the diagnostics made from them.
  package static func map<Element: Sendable, Value: Sendable>(
    handingOver elements: inout [Element], jobs: Int, _ transform: @Sendable (inout Element) -> Value
  ) -> [Value] {
    let pending = Slots<Element>(count: elements.count)
    for (index, element) in elements.enumerated() { pending.put(index, element) }
    let count = elements.count
    elements = []
    return map(Array(0..<count), jobs: jobs) { index in
      var element = pending.take(index)
      return transform(&element)
    }
  }
}

/// Values written by index from several threads (each index once) and awaited by index.
package final class Slots<Value: Sendable>: @unchecked Sendable {
  private var buffer: [Value?]
  /// Threads waiting for each index: a put wakes them only for the value they wait for.
  private var waiters: [Int32]
  private var mutex = pthread_mutex_t()
  private var filled = pthread_cond_t()

  package init(count: Int) {
    buffer = Array(repeating: nil, count: count)
    waiters = Array(repeating: 0, count: count)
    pthread_mutex_init(&mutex, nil)
    pthread_cond_init(&filled, nil)
  }

  deinit {
    pthread_cond_destroy(&filled)
    pthread_mutex_destroy(&mutex)
  }

  package func put(_ index: Int, _ value: Value) {
    pthread_mutex_lock(&mutex)
    buffer[index] = value
    if waiters[index] > 0 { pthread_cond_broadcast(&filled) }
    pthread_mutex_unlock(&mutex)
  }

  /// The value at `index` if a worker has put it, without waiting.
  package func value(_ index: Int) -> Value? {
    pthread_mutex_lock(&mutex)
    defer { pthread_mutex_unlock(&mutex) }
    return buffer[index]
  }

  /// The value at `index`, waiting until a worker has put it.
  package func wait(_ index: Int) -> Value {
    pthread_mutex_lock(&mutex)
    defer { pthread_mutex_unlock(&mutex) }
    while true {
      if let value = buffer[index] { return value }
      waiters[index] += 1
      pthread_cond_wait(&filled, &mutex)
      waiters[index] -= 1
    }
  }

  /// The value a worker has put at `index`, no longer kept here.
  package func take(_ index: Int) -> Value {
    pthread_mutex_lock(&mutex)
    defer { pthread_mutex_unlock(&mutex) }
    guard let value = buffer[index] else { preconditionFailure("slot \(index) taken before it was put") }
    buffer[index] = nil
    return value
  }

  package func clear(_ index: Int) {
    pthread_mutex_lock(&mutex)
    buffer[index] = nil
    pthread_mutex_unlock(&mutex)
  }
}

/// Hands out indexes 0, 1, 2, … to worker threads.
final class Counter: @unchecked Sendable {
  private var value = 0
  private var mutex = pthread_mutex_t()

  package init() { pthread_mutex_init(&mutex, nil) }
  deinit { pthread_mutex_destroy(&mutex) }

  package func take(below limit: Int) -> Int? {
    pthread_mutex_lock(&mutex)
    defer { pthread_mutex_unlock(&mutex) }
    guard value < limit else { return nil }
    defer { value += 1 }
    return value
  }
}

/// How far workers may run ahead of the thread that uses their results, counted in the order it
/// uses them: a worker waits before a job more than `width` places past the last one asked for.
/// What is made ahead is held until it is used, so a producer faster than its consumer would
/// otherwise hold the whole input.
package final class Frontier: @unchecked Sendable {
  private let width: Int
  private var reached = 0
  private var waiting = 0
  private var mutex = pthread_mutex_t()
  private var moved = pthread_cond_t()

  package init(width: Int) {
    self.width = width
    pthread_mutex_init(&mutex, nil)
    pthread_cond_init(&moved, nil)
  }

  deinit {
    pthread_cond_destroy(&moved)
    pthread_mutex_destroy(&mutex)
  }

  /// The consumer asks for the result at `place`.
  package func reach(_ place: Int) {
    pthread_mutex_lock(&mutex)
    if place > reached {
      reached = place
      if waiting > 0 { pthread_cond_broadcast(&moved) }
    }
    pthread_mutex_unlock(&mutex)
  }

  /// No limit any more: the consumer is done, or stops.
  package func open() { reach(Int.max - width) }

  /// Waits until the job at `place` is within reach.
  package func wait(for place: Int) {
    pthread_mutex_lock(&mutex)
    while place > reached + width {
      waiting += 1
      pthread_cond_wait(&moved, &mutex)
      waiting -= 1
    }
    pthread_mutex_unlock(&mutex)
  }
}

/// Jobs for worker threads, numbered by slot, whose order can change while the workers run:
/// ``schedule(_:)`` puts the given jobs next in place of the ones not started yet.
package final class JobQueue<Job: Sendable>: @unchecked Sendable {
  private var jobs: [Job?]
  private var started: [Bool]
  private var order: [Int] = []
  private var next = 0
  private var closed = false
  private var mutex = pthread_mutex_t()
  private var added = pthread_cond_t()

  package init(count: Int) {
    jobs = Array(repeating: nil, count: count)
    started = Array(repeating: false, count: count)
    pthread_mutex_init(&mutex, nil)
    pthread_cond_init(&added, nil)
  }

  deinit {
    pthread_cond_destroy(&added)
    pthread_mutex_destroy(&mutex)
  }

  /// Runs these jobs next, in this order (those already started are skipped: they are under
  /// way); jobs scheduled before that are not in the list and not started are dropped.
  package func schedule(_ list: [(slot: Int, job: Job)]) {
    pthread_mutex_lock(&mutex)
    order = []
    next = 0
    for (slot, job) in list where !started[slot] {
      jobs[slot] = job
      order.append(slot)
    }
    pthread_cond_broadcast(&added)
    pthread_mutex_unlock(&mutex)
  }

  /// No more jobs: workers finish the scheduled ones, then ``take()`` returns nil.
  package func close(droppingPending: Bool = false) {
    pthread_mutex_lock(&mutex)
    closed = true
    if droppingPending { order = [] }
    pthread_cond_broadcast(&added)
    pthread_mutex_unlock(&mutex)
  }

  /// The next job, waiting while none is scheduled; nil once the queue is closed and drained.
  package func take() -> (slot: Int, job: Job)? {
    pthread_mutex_lock(&mutex)
    defer { pthread_mutex_unlock(&mutex) }
    while true {
      while next < order.count {
        let slot = order[next]
        next += 1
        guard !started[slot], let job = jobs[slot] else { continue }
        started[slot] = true
        jobs[slot] = nil
        return (slot, job)
      }
      if closed { return nil }
      pthread_cond_wait(&added, &mutex)
    }
  }
}

extension Parallel {
  /// Lets go of `value` on a thread of its own: a large model freed object by object held up
  /// the thread that had finished with it (a few milliseconds at the end of every run).
  package static func letGo<Value: Sendable>(_ value: consuming Value) {
    let holder = Holder(value)
    _ = WorkerThreads(count: 1, background: true) { holder.clear() }
  }

  /// Holds the only reference to what ``letGo(_:)`` lets go, until that thread clears it.
  private final class Holder<Value: Sendable>: @unchecked Sendable {
    private var value: Value?
    init(_ value: consuming Value) { self.value = value }
    func clear() { value = nil }
  }
}

/// Threads of their own rather than the shared dispatch pool's, so that a lower priority given to
/// them ends with them.
package final class WorkerThreads: @unchecked Sendable {
  private let group = DispatchGroup()

  /// Runs `body` on `count` new threads; with `background`, they yield the processor to the
  /// other threads of the process (a thread whose progress everything waits for).
  package init(count: Int, background: Bool, _ body: @escaping @Sendable () -> Void) {
    for _ in 0..<max(1, count) {
      group.enter()
      let group = self.group
      let start = Start(background: background) {
        body()
        group.leave()
      }
      #if canImport(Glibc)
        var thread = pthread_t()
        let context = Unmanaged.passRetained(start)
        if pthread_create(&thread, nil, { WorkerThreads.Start.run($0) }, context.toOpaque()) == 0 {
          pthread_detach(thread)
          continue
        }
        context.release()
      #endif
      // Where threads cannot be made here: the shared pool, at its own priority.
      DispatchQueue.global().async { start.body() }
    }
  }

  /// Waits until every thread has finished `body`.
  package func wait() { group.wait() }

  /// What a new thread runs (named apart from Swift's `Task`).
  private final class Start: @unchecked Sendable {
    let background: Bool
    let body: @Sendable () -> Void

    init(background: Bool, _ body: @escaping @Sendable () -> Void) {
      self.background = background
      self.body = body
    }

    static func run(_ context: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
      guard let context else { return nil }
      let start = Unmanaged<Start>.fromOpaque(context).takeRetainedValue()
      #if canImport(Glibc)
        // Linux keeps a nice value per thread: this one only, and it ends with the thread.
        if start.background {
          let which = __priority_which_t(PRIO_PROCESS.rawValue)
          _ = setpriority(which, 0, min(19, getpriority(which, 0) + 10))
        }
      #endif
      start.body()
      return nil
    }
  }
}
