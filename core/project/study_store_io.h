#pragma once

// The sidecar's "studies" group for writeRunStore (run_store.cpp); study_store.h reads it.

#include <string>

#include "core/project/store_io.h"
#include "core/project/study_store.h"

namespace imbw::store_io {

/// Writes `studies` into the new file, or with `studies` null copies the previous file's
/// "studies" group (if `previousPath` exists and has one), so writers that know nothing of
/// studies keep them.
void writeStudies(Writer& w, const StudyStore* studies, const std::string& previousPath);

}  // namespace imbw::store_io
