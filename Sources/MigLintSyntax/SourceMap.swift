/// Where each part of a generated text comes from in the file it was generated from: the SQL
/// miglint writes for an ORM migration, mapped back to the JavaScript or TypeScript call.
package struct SourceMap: Sendable, Hashable {
  package struct Segment: Sendable, Hashable {
    /// The part of the generated text.
    package var generated: SourceRange
    /// What it stands for in the original file.
    package var original: SourceRange
    /// True when the generated text is the original text byte for byte (SQL in a string
    /// literal): offsets inside map one to one. Otherwise any offset inside maps to the whole
    /// original range (the call that produced the SQL).
    package var verbatim: Bool

    package init(generated: SourceRange, original: SourceRange, verbatim: Bool) {
      self.generated = generated
      self.original = original
      self.verbatim = verbatim
    }
  }

  /// In generated order, not overlapping.
  package private(set) var segments: [Segment] = []

  package init() {}

  package mutating func append(_ segment: Segment) {
    guard segment.generated.length > 0 else { return }
    segments.append(segment)
  }

  /// The original range of a generated range: a range inside verbatim text maps exactly; one
  /// touching generated text grows to the whole of what produced it.
  package func original(_ range: SourceRange) -> SourceRange {
    guard !segments.isEmpty else { return range }
    let first = segment(containing: range.start)
    let last = segment(containing: max(range.start, range.end - 1))
    let start =
      first.verbatim
      ? first.original.start + min(max(0, range.start - first.generated.start), first.original.length)
      : first.original.start
    let end =
      last.verbatim
      ? last.original.start + min(max(0, range.end - last.generated.start), last.original.length)
      : last.original.end
    return SourceRange(start: min(start, end), end: max(start, end))
  }

  /// The segment holding `offset`, else the last one before it (text between segments belongs
  /// to what precedes it), else the first.
  private func segment(containing offset: Int) -> Segment {
    let index = segments.partitioningIndex { $0.generated.start > offset }
    return index == 0 ? segments[0] : segments[index - 1]
  }
}
