#include "app/gui/run_registry.h"

#include <QSet>

namespace imbw {

namespace {
constexpr int kPaletteSize = 10;  // runColor()'s palette
}

RunEntry& RunRegistry::add(const QString& id) {
  if (RunEntry* e = find(id)) return *e;
  RunEntry e;
  e.id = id;
  e.plot.key = id;
  m_runs.append(e);
  return m_runs.last();
}

void RunRegistry::remove(const QString& id) {
  for (qsizetype i = 0; i < m_runs.size(); ++i)
    if (m_runs[i].id == id) {
      m_runs.removeAt(i);
      return;
    }
}

void RunRegistry::clear() {
  m_runs.clear();
}

RunEntry* RunRegistry::find(const QString& id) {
  for (RunEntry& e : m_runs)
    if (e.id == id) return &e;
  return nullptr;
}

const RunEntry* RunRegistry::find(const QString& id) const {
  for (const RunEntry& e : m_runs)
    if (e.id == id) return &e;
  return nullptr;
}

QStringList RunRegistry::ids() const {
  QStringList out;
  for (const RunEntry& e : m_runs) out << e.id;
  return out;
}

int RunRegistry::activeRuns() const {
  int n = 0;
  for (const RunEntry& e : m_runs) n += e.active() ? 1 : 0;
  return n;
}

void RunRegistry::assignColor(const QString& id, const QStringList& shown) {
  RunEntry* entry = find(id);
  if (!entry) return;
  QSet<int> taken;
  for (const QString& other : shown)
    if (other != id)
      if (const RunEntry* e = find(other)) taken.insert(e->colorIndex % kPaletteSize);
  if (entry->colored && !taken.contains(entry->colorIndex % kPaletteSize)) return;
  int c = 0;
  while (c < kPaletteSize && taken.contains(c)) ++c;
  entry->colorIndex = c < kPaletteSize ? c : static_cast<int>(taken.size());
  entry->colored = true;
  entry->plot.color = runColor(entry->colorIndex);
}

}  // namespace imbw
