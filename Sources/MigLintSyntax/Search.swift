extension RandomAccessCollection {
  /// The index of the first element for which `isAtOrAfter` holds, in a collection where it
  /// holds for a suffix only (sorted data): a binary search, so look-ups stay logarithmic.
  package func partitioningIndex(where isAtOrAfter: (Element) throws -> Bool) rethrows -> Index {
    var low = startIndex
    var count = self.count
    while count > 0 {
      let half = count / 2
      let middle = index(low, offsetBy: half)
      if try isAtOrAfter(self[middle]) {
        count = half
      } else {
        low = index(after: middle)
        count -= half + 1
      }
    }
    return low
  }
}
