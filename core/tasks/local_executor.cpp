#include "core/tasks/local_executor.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include "core/analysis/yields.h"
#include "core/learn/model.h"
#include "core/project/run_training.h"
#include "core/project/run_training_events.h"
#include "core/tasks/task_merge.h"
#include "core/util/error.h"

namespace imbw {

ExecutionPlan planExecution(std::size_t tasks, std::size_t eventsPerFit, int cores, int jobs) {
  cores = std::max(1, cores);
  const int n = static_cast<int>(std::max<std::size_t>(1, tasks));
  ExecutionPlan p;
  if (jobs > 0) {
    p.concurrent = std::min(jobs, n);
    p.threadsPerFit = std::max(1, cores / p.concurrent);
  } else if (eventsPerFit >= kLargeFitEvents) {
    p.concurrent = 1;
    p.threadsPerFit = cores;
  } else {
    p.concurrent = std::min(cores, n);
    p.threadsPerFit = 1;
  }
  return p;
}

namespace {

struct Task {
  std::size_t run;  ///< index into ids
  int fold;
};

struct Outcome {
  bool done = false;
  FoldPart part;
  std::shared_ptr<Model> model;
  std::string error;
};

class Forward : public TrainingObserver {
 public:
  explicit Forward(const ExecutorObserver& outer) : m_outer(outer) {}
  bool stopRequested() const override { return m_outer.stopRequested(); }

 private:
  const ExecutorObserver& m_outer;
};

}  // namespace

std::vector<TrainedRun> runTasksConcurrently(Project& project, const std::vector<std::string>& ids,
                                             const EventTable& table, const ExecutionPlan& plan,
                                             ExecutorObserver& observer) {
  std::vector<RunConfig> configs;
  std::vector<std::vector<std::uint8_t>> keeps;
  std::vector<Task> tasks;
  for (std::size_t r = 0; r < ids.size(); ++r) {
    const ProjectRun* run = project.findRun(ids[r]);
    if (!run) throw Error("the project has no run '" + ids[r] + "'");
    RunConfig c = projectRunConfig(*run, project.analysis);
    c.threads = std::max(1, plan.threadsPerFit);
    configs.push_back(c);
    keeps.push_back(selectEvents(table, run->cut));
    for (int k = 0; k < c.folds; ++k) tasks.push_back({r, k});
  }
  std::vector<Outcome> outcomes(tasks.size());
  std::atomic<std::size_t> next{0};
  std::size_t finished = 0;
  std::mutex lock;
  const auto work = [&]() {
    Forward forward(observer);
    for (;;) {
      const std::size_t i = next.fetch_add(1);
      if (i >= tasks.size() || observer.stopRequested()) return;
      const Task& t = tasks[i];
      Outcome& o = outcomes[i];
      try {
        TrainedRun fold = trainRun(table, keeps[t.run], configs[t.run], forward, {t.fold});
        if (fold.result.folds.size() != 1) continue;  // stopped
        o.part.fold = t.fold;
        o.part.numbers = fold.result.folds.front();
        o.part.config = configs[t.run];
        o.part.stored = fold.stored;
        o.part.source = "fold " + std::to_string(t.fold + 1);
        o.model = fold.result.models.front();
        o.done = true;
        std::lock_guard<std::mutex> g(lock);
        observer.foldFinished(ids[t.run], o.part.numbers, ++finished, tasks.size());
      } catch (const Cancelled&) {
        return;
      } catch (const std::exception& e) {
        o.error = e.what();
      }
    }
  };
  std::vector<std::thread> threads;
  for (int w = 1; w < plan.concurrent; ++w) threads.emplace_back(work);
  work();
  for (auto& th : threads) th.join();

  std::vector<TrainedRun> out(ids.size());
  for (std::size_t r = 0; r < ids.size(); ++r) {
    ProjectRun& run = *project.findRun(ids[r]);
    std::vector<FoldPart> parts;
    std::vector<std::shared_ptr<Model>> models;
    std::string error;
    for (std::size_t i = 0; i < tasks.size(); ++i) {
      if (tasks[i].run != r) continue;
      if (outcomes[i].done) {
        parts.push_back(outcomes[i].part);
        models.push_back(outcomes[i].model);  // tasks are in fold order
      } else if (error.empty() && !outcomes[i].error.empty()) {
        error = outcomes[i].error;
      }
    }
    TrainedRun& t = out[r];
    t.result.config = configs[r];
    t.result.name = configs[r].displayName();
    if (!error.empty()) {
      run.status = RunStatus::Failed;
      run.message = error;
      run.folds.clear();
      run.aggregate.clear();
      t.result.cancelled = true;
      continue;
    }
    if (parts.empty()) {
      t.result.cancelled = true;
      continue;
    }
    t.stored = assembleRun(run, parts);
    t.result.folds = run.folds;
    t.result.aggregate = run.aggregate;
    t.result.cancelled = run.status == RunStatus::Cancelled;
    if (t.result.cancelled)
      run.message = "cancelled after " + std::to_string(parts.size()) + " of " +
                    std::to_string(configs[r].folds) + " folds";
    t.result.models = std::move(models);
  }
  return out;
}

}  // namespace imbw
