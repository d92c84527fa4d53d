// LayoutDetector::detect: the search of a file for the group that holds its events (which
// groups are candidates, which hold no events and why, ambiguity), and the checks on the one
// chosen.

#include <map>

#include "core/data/layout_detector.h"
#include "core/util/strings.h"

namespace imbw::detail {

namespace {

std::string candidateList(const std::vector<EventGroup>& groups) {
  std::string s;
  for (const auto& g : groups) {
    if (!s.empty()) s += ", ";
    s += g.group + " (" + layoutName(g.layout) + ", " + std::to_string(g.events) + " events)";
  }
  return s;
}

std::string notesText(const std::vector<ObjectNote>& notes) {
  std::string s;
  for (const auto& n : notes) s += (s.empty() ? "" : "; ") + n.path + ": " + n.reason;
  return s;
}

EventGroup summary(const Candidate& c) {
  return {c.info.group, c.info.layout, c.info.events, c.info.columns.size()};
}

}  // namespace

Candidate LayoutDetector::detect() {
  const std::optional<Layout> forced = m_options.layout;
  std::string start = m_options.group.empty() ? "/" : m_options.group;
  if (start.front() != '/') start = "/" + start;
  checkPathLinks(m_fc, start);
  H5I_type_t startType = H5I_GROUP;
  if (start != "/") {
    if (H5Lexists(m_file, start.c_str(), H5P_DEFAULT) <= 0) {
      throw Error("no group or dataset '" + start + "' in '" + m_path + "'");
    }
    H5O_info_t oinfo;
    if (H5Oget_info_by_name2(m_file, start.c_str(), &oinfo, H5O_INFO_BASIC, H5P_DEFAULT) < 0) {
      const Error damaged = m_fc.damage("open", start);  // before another call clears the stack
      H5L_info_t info;
      if (H5Lget_info(m_file, start.c_str(), &info, H5P_DEFAULT) >= 0 &&
          info.type != H5L_TYPE_HARD) {
        throw Error("'" + start + "' in '" + m_path + "' is a link to an object that does not " +
                    "exist");
      }
      throw damaged;
    }
    startType = oinfo.type == H5O_TYPE_GROUP     ? H5I_GROUP
                : oinfo.type == H5O_TYPE_DATASET ? H5I_DATASET
                                                 : H5I_BADID;
  }

  std::vector<ObjectNote> skipped;
  std::vector<Candidate> found;
  std::string reason;
  if (startType == H5I_DATASET) {
    if (auto c = tryDataset(start, forced)) found.push_back(std::move(*c));
    reason = "named by the group option";
  } else if (startType == H5I_GROUP && !m_options.group.empty()) {
    // The user named the group: it holds the events (no search below it unless it is empty).
    found = candidatesIn(start, true, skipped);
    reason = "named by the group option";
  } else if (startType != H5I_GROUP) {
    throw Error("'" + start + "' in '" + m_path + "' is neither a group nor a dataset");
  }
  if (found.empty() && startType == H5I_GROUP) {
    // Breadth first, start first, bounded so that a huge hierarchy cannot stall detection.
    std::vector<std::string> queue = {start};
    for (std::size_t i = 0; i < queue.size() && queue.size() < 2000; ++i) {
      const std::string g = queue[i];  // a copy: the queue grows below
      const std::string leaf = g.substr(g.find_last_of('/') + 1);
      if (leaf.rfind("_i_", 0) == 0) {
        skipped.push_back({g, leaf, "PyTables index of a table, not events"});
        continue;
      }
      std::vector<Candidate> here = candidatesIn(g, false, skipped);
      GroupScan scan = scanGroup(m_fc, g);
      for (auto& sub : scan.groups) queue.push_back(std::move(sub));
      if (here.empty()) {
        // Links not followed where no events were found (a column group lists its own).
        for (auto& u : scan.unusable) skipped.push_back(std::move(u));
      }
      for (auto& c : here) found.push_back(std::move(c));
    }
    if (found.size() > 1) {
      // Groups of one row next to real event groups are run or file metadata.
      std::vector<Candidate> events;
      for (auto& c : found) {
        if (c.info.events <= 1) {
          skipped.push_back({c.info.group, c.info.group.substr(c.info.group.rfind('/') + 1),
                             std::to_string(c.info.events) +
                                 " row: taken for metadata beside the other event groups"});
        } else {
          events.push_back(std::move(c));
        }
      }
      if (!events.empty()) found = std::move(events);
    }
    reason = found.size() == 1 ? "the only group holding events" : "";
    if (found.size() == 1 && found.front().info.group == start && start != "/") {
      reason = "named by the group option";
    }
  }
  if (found.empty()) {
    const std::string what = forced ? std::string("no ") + layoutName(*forced) + " event data"
                                    : std::string("no event data");
    std::string message =
        what + " found in '" + m_path + "'" +
        (m_options.group.empty() ? std::string() : " under '" + start + "'") +
        ": expected a group of 1-D datasets, a 2-D numeric dataset, a compound table or a "
        "pandas frame";
    if (!skipped.empty()) message += " (not events: " + notesText(skipped) + ")";
    throw Error(message);
  }
  std::vector<EventGroup> groups;
  for (const auto& c : found) groups.push_back(summary(c));
  if (found.size() > 1) {
    throw AmbiguousSampleError("'" + m_path + "' holds events in " + std::to_string(found.size()) +
                                   " groups: " + candidateList(groups) +
                                   "; name the one to read as the sample's \"group\" "
                                   "(imbalance-cli inspect FILE --group PATH shows one)",
                               groups);
  }
  Candidate chosen = std::move(found.front());
  finish(chosen);
  chosen.info.reason = reason;
  chosen.info.candidates = std::move(groups);
  chosen.info.skipped = std::move(skipped);
  return chosen;
}

std::vector<Candidate> LayoutDetector::candidatesIn(const std::string& groupPath, bool named,
                                                    std::vector<ObjectNote>& skipped) {
  const std::optional<Layout> forced = m_options.layout;
  auto allowed = [&](Layout l) { return !forced || *forced == l; };
  std::vector<Candidate> out;
  if (allowed(Layout::PandasFixed)) {
    if (auto c = pandasFixed(groupPath)) {
      out.push_back(std::move(*c));
      return out;
    }
  }
  if (allowed(Layout::PandasTable)) {
    if (auto c = pandasTable(groupPath)) {
      out.push_back(std::move(*c));
      return out;
    }
  }
  GroupScan scan = scanGroup(m_fc, groupPath);
  if (allowed(Layout::ColumnGroup)) {
    if (auto c = columnGroup(groupPath, scan, named, skipped)) {
      out.push_back(std::move(*c));
      return out;
    }
  }
  // Each compound table and each 2-D numeric dataset of the group is a candidate of its own.
  for (auto& m : scan.datasets) {
    const bool table = m.cls == H5T_COMPOUND && m.rank == 1 && allowed(Layout::Compound);
    const bool block = m.rank == 2 && h5::isNumeric(m.type) && allowed(Layout::Matrix2D);
    if ((table || block) && !m.refused.empty()) {
      skipped.push_back({m.path, m.name, m.refused});  // refused when named, listed when searched
      continue;
    }
    if (m.cls == H5T_COMPOUND && m.rank == 1 && allowed(Layout::Compound)) {
      if (auto c = compound(groupPath, std::move(m))) out.push_back(std::move(*c));
    } else if (m.rank == 2 && h5::isNumeric(m.type) && allowed(Layout::Matrix2D)) {
      if (auto c = matrix(groupPath, std::move(m))) out.push_back(std::move(*c));
    }
  }
  return out;
}

std::optional<Candidate> LayoutDetector::tryDataset(const std::string& dsPath,
                                                    std::optional<Layout> layout) {
  const std::size_t slash = dsPath.find_last_of('/');
  const std::string parent =
      slash == std::string::npos || slash == 0 ? "/" : dsPath.substr(0, slash);
  const std::string name = slash == std::string::npos ? dsPath : dsPath.substr(slash + 1);
  DsMeta m = meta(m_fc, dsPath, name);
  if (m.cls == H5T_COMPOUND && (!layout || *layout == Layout::PandasTable) && name == "table") {
    if (auto c = pandasTable(parent)) return c;
  }
  if (m.cls == H5T_COMPOUND && (!layout || *layout == Layout::Compound)) {
    return compound(parent, std::move(m));
  }
  if (m.rank == 2 && h5::isNumeric(m.type) && (!layout || *layout == Layout::Matrix2D)) {
    return matrix(parent, std::move(m));
  }
  return std::nullopt;
}

void LayoutDetector::finish(Candidate& c) const {
  std::map<std::string, int> seen;
  std::vector<std::string> twice;
  for (const auto& col : c.info.columns) {
    if (++seen[col.name] == 2) twice.push_back("'" + col.name + "'");
  }
  if (!twice.empty()) {
    throw Error("'" + c.info.group + "' in '" + m_path + "' names " +
                (twice.size() == 1 ? "the column " : "the columns ") + join(twice, ", ") +
                " more than once (in its column names); a name must identify one column");
  }
}

void LayoutDetector::refuseWhole(const DsMeta& m) const {
  if (!m.refused.empty()) {
    throw Error("cannot read '" + m.path + "' in '" + m_path + "': " + m.refused);
  }
}

}  // namespace imbw::detail
