#include "core/data/event_table.h"

#include "core/util/error.h"
#include "core/util/strings.h"

namespace imbw {

int EventTable::columnIndex(std::string_view name) const {
  for (std::size_t i = 0; i < columnNames.size(); ++i) {
    if (columnNames[i] == name) return static_cast<int>(i);
  }
  return -1;
}

const std::vector<float>& EventTable::column(std::string_view name) const {
  const int i = columnIndex(name);
  if (i < 0) throw Error(unknownNameMessage("column", name, columnNames));
  return columns[static_cast<std::size_t>(i)];
}

}  // namespace imbw
