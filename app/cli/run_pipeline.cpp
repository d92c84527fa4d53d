#include "app/cli/run_pipeline.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <iostream>

namespace imbw::cli {

namespace {

std::atomic<bool> g_stop{false};

extern "C" void onSigint(int) {
  g_stop.store(true);
}

}  // namespace

StopOnCtrlC::StopOnCtrlC() {
  std::signal(SIGINT, onSigint);
}

StopOnCtrlC::~StopOnCtrlC() {
  std::signal(SIGINT, SIG_DFL);
}

bool stopRequested() {
  return g_stop.load(std::memory_order_relaxed);
}

ProgressBar::ProgressBar(std::string label, bool enabled)
    : m_label(std::move(label)), m_enabled(enabled), m_tty(::isatty(STDERR_FILENO) != 0) {}

bool ProgressBar::stopRequested() const {
  return ::imbw::cli::stopRequested();
}

void ProgressBar::progress(double fraction, std::string_view stage) {
  if (!m_enabled) return;
  const auto now = std::chrono::steady_clock::now();
  const bool final = fraction >= 1.0;
  if (m_tty) {
    if (!final && now - m_last < std::chrono::milliseconds(100)) return;
    m_last = now;
    constexpr int width = 30;
    const int filled = static_cast<int>(std::round(std::clamp(fraction, 0.0, 1.0) * width));
    std::string stageText(stage);
    if (stageText.size() > 48) stageText = stageText.substr(0, 48);
    std::fprintf(stderr, "\r%-28.28s [%s%s] %3d%%  %-48s", m_label.c_str(),
                 std::string(static_cast<std::size_t>(filled), '#').c_str(),
                 std::string(static_cast<std::size_t>(width - filled), '.').c_str(),
                 static_cast<int>(std::round(fraction * 100)), stageText.c_str());
    if (final) std::fputc('\n', stderr);
    std::fflush(stderr);
  } else if (stage == "done" || stage == "cancelled") {
    std::fprintf(stderr, "%s: %s\n", m_label.c_str(), std::string(stage).c_str());
  }
}

void ProgressBar::foldFinished(const FoldResult& f) {
  if (m_enabled && !m_tty)
    std::fprintf(stderr, "%s: fold %d done (AP %.3f, AUC %.3f, %.2f s)\n", m_label.c_str(),
                 f.fold + 1, f.summary.averagePrecision, f.summary.auc, f.fitSeconds);
}

std::vector<std::string> runFeatureColumns(const Project& project) {
  std::vector<std::string> out;
  for (const auto& r : project.runs)
    for (const auto& f : r.config.features)
      if (std::find(out.begin(), out.end(), f) == out.end()) out.push_back(f);
  return out;
}

LoadedAnalysis loadRunEvents(const Project& project) {
  LoadOptions options;
  options.applyCut = false;
  options.extraColumns = runFeatureColumns(project);
  LoadedAnalysis loaded = loadAnalysis(project.analysis, options);
  for (const auto& w : loaded.warnings) std::cerr << "warning: " << w << '\n';
  return loaded;
}

TrainedRun trainWithProgress(Project& project, const std::string& id, const EventTable& table,
                             const std::string& label, bool quiet) {
  ProgressBar bar(label, !quiet);
  return trainProjectRun(project, id, table, bar);
}

void saveRunResults(const std::string& path, const Project& project,
                    std::map<std::string, std::shared_ptr<const StoredRun>> store,
                    const std::vector<std::string>& ids, const std::vector<TrainedRun>& trained,
                    const StudyStore* studies) {
  for (std::size_t i = 0; i < trained.size() && i < ids.size(); ++i)
    if (trained[i].stored) store[ids[i]] = trained[i].stored;
  writeRunStore(sidecarPath(path), store, {}, studies);
  project.save(path);
  std::cerr << "results saved in " << path << " and " << sidecarPath(path) << '\n';
}

}  // namespace imbw::cli
