import Logging
import SafeTensors
import ServiceSupport
import LearningPipeline

extension CheckpointStore {
    /// The newest readable checkpoint made for `model`, and its path; nil (with a warning that
    /// says why, the agent then starting afresh) when none can be read or it holds another model.
    /// Unreadable files stay for a post-mortem until newer generations push them out.
    func newestCheckpoint(for model: ModelConfiguration, logger: Logger) -> (file: SafeTensorsFile, path: String)? {
        let found: (value: (SafeTensorsFile, LearnerCheckpoint.Description), path: String, warnings: [String])?
        do {
            found = try restoreNewest { path throws -> (SafeTensorsFile, LearnerCheckpoint.Description) in
                let file = try LearnerCheckpoint.read(path: path)
                return (file, try LearnerCheckpoint.describe(file))
            }
        } catch {
            logger.warning("no checkpoint could be restored, starting afresh: \(error)")
            return nil
        }
        guard let found else { return nil }
        for warning in found.warnings { logger.warning("\(warning)") }
        let (file, description) = found.value
        guard description.model == model else {
            let other = "checkpoint \(found.path) holds another model (\(description.model.summary)) than the configuration's "
            logger.warning("\(other)(\(model.summary)); starting afresh, and the next checkpoint replaces it")
            return nil
        }
        return (file, found.path)
    }
}
