#pragma once

// Tests that read ../shared (the datasets and the scikit-learn references) FAIL when it is
// missing, with the path in the message, instead of skipping: a checkout without ../shared must
// not turn those checks green by leaving them out.

#include <QtTest/QtTest>

#include <filesystem>
#include <string>

namespace imbw::test {

/// IMBW_SHARED_DIR (ctest sets it from the CMake cache), else ../shared beside the source tree.
inline std::string sharedDir() {
  const QByteArray dir = qgetenv("IMBW_SHARED_DIR");
  if (!dir.isEmpty()) return dir.toStdString();
  const QByteArray src = qgetenv("IMBW_SOURCE_DIR");
  return (src.isEmpty() ? std::string("..") : src.toStdString()) + "/../shared";
}

}  // namespace imbw::test

/// Fails the current test function unless `path` (a std::string) exists.
#define IMBW_REQUIRE_SHARED_FILE(path)                                                  \
  do {                                                                                  \
    if (!std::filesystem::exists(path))                                                 \
      QFAIL(qPrintable(QString("this test needs the shared data: '%1' is missing (set " \
                               "IMBW_SHARED_DIR or put shared/ beside the repository)") \
                           .arg(QString::fromStdString(path))));                        \
  } while (false)
