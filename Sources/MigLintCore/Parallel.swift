import Dispatch

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Work spread over threads with pthread primitives (no Foundation).
package enum Parallel {
  /// `transform` applied to each element on `jobs` threads; results in order.
  package static func map<Element: Sendable, Value: Sendable>(
    _ elements: [Element], jobs: Int = 2, _ transform: @Sendable (Element) -> Value
  ) -> [Value] {
    let storage = Slots<Value>(count: elements.count)
    let next = Counter()
    DispatchQueue.concurrentPerform(iterations: max(1, min(jobs, elements.count))) { _ in
      while let index = next.take(below: elements.count) { storage.put(index, transform(elements[index])) }
    }
    return (0..<elements.count).map { storage.wait($0) }
  }
}

/// Values written by index from several threads (each index once) and awaited by index.
package final class Slots<Value: Sendable>: @unchecked Sendable {
  private var buffer: [Value?]
  private var mutex = pthread_mutex_t()
  private var filled = pthread_cond_t()

  package init(count: Int) {
    buffer = Array(repeating: nil, count: count)
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
    pthread_cond_broadcast(&filled)
    pthread_mutex_unlock(&mutex)
  }

  /// The value at `index`, waiting until a worker has put it.
  package func wait(_ index: Int) -> Value {
    pthread_mutex_lock(&mutex)
    defer { pthread_mutex_unlock(&mutex) }
    while true {
      if let value = buffer[index] { return value }
      pthread_cond_wait(&filled, &mutex)
    }
  }

  package func clear(_ index: Int) {
    pthread_mutex_lock(&mutex)
    buffer[index] = nil
    pthread_mutex_unlock(&mutex)
  }
}

/// Hands out indexes 0, 1, 2, … to worker threads.
package final class Counter: @unchecked Sendable {
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
