import Dispatch

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Messages from the reader thread to the server's thread, which waits for the next one or for a
/// deadline (a debounced lint) whichever comes first.
final class Inbox: @unchecked Sendable {
  enum Item {
    case message([UInt8])
    case badHeader(String)
    case end
  }

  private var items: [Item] = []
  private var mutex = pthread_mutex_t()
  private var ready = pthread_cond_t()

  init() {
    pthread_mutex_init(&mutex, nil)
    pthread_cond_init(&ready, nil)
  }

  deinit {
    pthread_cond_destroy(&ready)
    pthread_mutex_destroy(&mutex)
  }

  func put(_ item: Item) {
    pthread_mutex_lock(&mutex)
    items.append(item)
    pthread_cond_signal(&ready)
    pthread_mutex_unlock(&mutex)
  }

  /// The next item; nil when `deadline` (``now``'s clock) passes first.
  func take(until deadline: Double?) -> Item? {
    pthread_mutex_lock(&mutex)
    defer { pthread_mutex_unlock(&mutex) }
    while items.isEmpty {
      guard let deadline else {
        pthread_cond_wait(&ready, &mutex)
        continue
      }
      if Self.now() >= deadline { return nil }
      var time = timespec(
        tv_sec: Int(deadline), tv_nsec: Int((deadline - deadline.rounded(.down)) * 1_000_000_000))
      pthread_cond_timedwait(&ready, &mutex, &time)
    }
    return items.removeFirst()
  }

  /// Seconds on the clock `pthread_cond_timedwait` uses.
  static func now() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_REALTIME, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1_000_000_000
  }

  /// Reads framed messages from `descriptor` on a thread of its own until the stream ends.
  func startReading(_ descriptor: Int32) {
    DispatchQueue.global().async {
      var reader = FrameReader(descriptor: descriptor)
      while true {
        switch reader.next() {
        case .message(let bytes): self.put(.message(bytes))
        case .badHeader(let why): self.put(.badHeader(why))
        case .end:
          self.put(.end)
          return
        }
      }
    }
  }
}
