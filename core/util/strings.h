#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace imbw {

/// Levenshtein distance (insert, delete, substitute; each costs 1), case-sensitive.
std::size_t editDistance(std::string_view a, std::string_view b);

/// The candidate closest to `name` (case-insensitive match first, then edit distance), if it is
/// close enough to be a plausible typo: distance ≤ max(1, |name| / 3).
std::optional<std::string> closestName(std::string_view name,
                                       const std::vector<std::string>& candidates);

/// "unknown column 'mjjj' (did you mean 'mjj'?)" or "unknown column 'foo'"; `what` is the noun.
std::string unknownNameMessage(std::string_view what, std::string_view name,
                               const std::vector<std::string>& candidates);

/// Joins with a separator.
std::string join(const std::vector<std::string>& parts, std::string_view sep);

}  // namespace imbw
