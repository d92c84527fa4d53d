#pragma once

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <type_traits>
#include <vector>

#include "core/util/error.h"

namespace imbw {

namespace json_number_detail {

template <class T>
std::string typeName() {
  if constexpr (std::is_floating_point_v<T>) {
    return sizeof(T) == 4 ? "a 32-bit float" : "a floating-point number";
  } else if constexpr (std::is_signed_v<T>) {
    return "a " + std::to_string(8 * sizeof(T)) + "-bit integer";
  } else {
    return "an unsigned " + std::to_string(8 * sizeof(T)) + "-bit integer";
  }
}

template <class T>
[[noreturn]] void doesNotFit(const std::string& name, const nlohmann::json& v) {
  std::string range;
  if constexpr (std::is_integral_v<T>) {
    range = " (" + std::to_string(std::numeric_limits<T>::min()) + " to " +
            std::to_string(std::numeric_limits<T>::max()) + ")";
  }
  throw Error(name + " = " + v.dump() + " does not fit " + typeName<T>() + range);
}

template <class T>
struct IsNumberVector : std::false_type {};
template <class E>
struct IsNumberVector<std::vector<E>> : std::is_arithmetic<E> {};

}  // namespace json_number_detail

/// A JSON value as the arithmetic type T, refusing what T cannot hold instead of letting the
/// conversion wrap or saturate (nlohmann's get<int>() on 1e12 is an out-of-range float-to-int
/// cast, undefined behaviour that in practice gives INT_MIN, and then a misleading "must be at
/// least 1"). `name` names the setting in the message: "trees = 1e12 does not fit a 32-bit
/// integer (...)", "seed = 1.5 is not a whole number", "trees must be a number, not "many"".
template <class T>
T jsonNumber(const nlohmann::json& v, const std::string& name) {
  static_assert(std::is_arithmetic_v<T>);
  using json_number_detail::doesNotFit;
  if constexpr (std::is_same_v<T, bool>) {
    if (!v.is_boolean()) throw Error(name + " must be true or false, not " + v.dump());
    return v.get<bool>();
  } else {
    if (!v.is_number()) throw Error(name + " must be a number, not " + v.dump());
    if constexpr (std::is_floating_point_v<T>) {
      const double d = v.get<double>();
      if (std::isfinite(d) && std::abs(d) > static_cast<double>(std::numeric_limits<T>::max()))
        doesNotFit<T>(name, v);
      return static_cast<T>(d);
    } else {
      constexpr bool kNarrowerThan64 = sizeof(T) < sizeof(std::uint64_t);
      if (v.is_number_unsigned()) {
        const auto u = v.get<std::uint64_t>();
        if constexpr (kNarrowerThan64 || std::is_signed_v<T>) {
          if (u > static_cast<std::uint64_t>(std::numeric_limits<T>::max())) doesNotFit<T>(name, v);
        }
        return static_cast<T>(u);
      }
      if (v.is_number_integer()) {
        const auto i = v.get<std::int64_t>();
        if (std::is_unsigned_v<T> && i < 0) doesNotFit<T>(name, v);
        if constexpr (kNarrowerThan64) {
          if (i < static_cast<std::int64_t>(std::numeric_limits<T>::min()) ||
              i > static_cast<std::int64_t>(std::numeric_limits<T>::max()))
            doesNotFit<T>(name, v);
        }
        return static_cast<T>(i);
      }
      const double d = v.get<double>();
      if (!std::isfinite(d) || d != std::trunc(d))
        throw Error(name + " = " + v.dump() + " is not a whole number");
      // 2^63 and 2^64 are exact doubles: compare against them, not against max() (which
      // rounds up to them and would let the cast overflow).
      constexpr double kLimit =
          std::is_signed_v<T>
              ? -static_cast<double>(std::numeric_limits<T>::min())
              : 2.0 * (static_cast<double>(std::numeric_limits<T>::max() / 2) + 1.0);
      if (d >= kLimit || d < static_cast<double>(std::numeric_limits<T>::min()))
        doesNotFit<T>(name, v);
      return static_cast<T>(d);
    }
  }
}

/// nlohmann's exception text without its "[json.exception.parse_error.101] " tag.
inline std::string plainJsonMessage(const nlohmann::json::exception& e) {
  std::string s = e.what();
  if (s.rfind("[json.exception.", 0) == 0) {
    const auto close = s.find("] ");
    if (close != std::string::npos) s.erase(0, close + 2);
  }
  return s;
}

/// Arithmetic T: jsonNumber; a vector of arithmetic T: jsonNumber on each element (named
/// "name[i]"); anything else: nlohmann's own conversion.
template <class T>
T jsonValue(const nlohmann::json& v, const std::string& name) {
  if constexpr (std::is_arithmetic_v<T>) {
    return jsonNumber<T>(v, name);
  } else if constexpr (json_number_detail::IsNumberVector<T>::value) {
    if (!v.is_array()) throw Error(name + " must be a list of numbers, not " + v.dump());
    T out;
    out.reserve(v.size());
    for (std::size_t i = 0; i < v.size(); ++i)
      out.push_back(jsonNumber<typename T::value_type>(v[i], name + "[" + std::to_string(i) + "]"));
    return out;
  } else {
    return v.get<T>();
  }
}

}  // namespace imbw
