import HamiltonianLearning
import RealModule
import Testing

/// Design note §6.3, §6.4 and §6.7.
@Suite struct IntegratorPropertyTests {
    static func forecaster(_ mode: RecurrentGradientMode, tau: Double = 1) -> HamiltonianLearner<Forecaster<Double>> {
        let configuration = ForecasterConfiguration(
            inputCount: 3, stateCount: 6, hiddenCount: 5, outputCount: 3, activation: .tanh, gradientMode: mode)
        return HamiltonianLearner(
            model: Forecaster(configuration), configuration: .init(tau: tau, beta: 0.05, eta: 0.3), seed: 21)
    }

    @Test("the instantaneous form gives h_{t+τ} = λ ⊙ h_t + B u_t for any τ", arguments: RecurrentGradientMode.allCases)
    func instantaneousForm(mode: RecurrentGradientMode) {
        let inputs = randomVectors(count: 6, size: 3, seed: 5)
        var afterStep: [[Double]] = []
        for tau in [0.1, 0.5, 1.0, 3.0] {
            let learner = Self.forecaster(mode, tau: tau)
            learner.configuration.eta = 0.3 / tau
            for u in inputs.dropLast() { learner.step(input: u, target: [0.1, 0.2, 0.3]) }
            let layer = learner.model.recurrent
            let (h, theta, u) = (layer.hRe.array + layer.hIm.array, learner.parameters.array, inputs.last!)
            learner.step(input: u, target: [0.1, 0.2, 0.3])
            let expected = Self.recurrence(theta: theta, layout: learner.model.layout, h: h, u: u)
            let actual = layer.hRe.array + layer.hIm.array
            #expect(maxRelativeDifference(actual, expected, floor: 1e-6) <= 1e-14)
            afterStep.append(actual)
        }
        #expect(Set(afterStep.map { $0.map(\.bitPattern) }).count > 1, "τ changes the learning, so the states differ")
    }

    /// f̂(u, h) = λ ⊙ h + B u, computed here from θ's named tensors.
    static func recurrence(theta: [Double], layout: ParameterLayout, h: [Double], u: [Double]) -> [Double] {
        func tensor(_ name: String) -> [Double] { Array(theta[layout.tensor(named: name)!.range]) }
        let (nu, phase, bRe, bIm) = (tensor("recurrent.nu_log"), tensor("recurrent.phase_log"),
                                     tensor("recurrent.B_re"), tensor("recurrent.B_im"))
        let n = nu.count
        var next = [Double](repeating: 0, count: 2 * n)
        for k in 0..<n {
            let radius = Double.exp(-Double.exp(nu[k])), angle = Double.exp(phase[k])
            let (lr, li) = (radius * Double.cos(angle), radius * Double.sin(angle))
            next[k] = lr * h[k] - li * h[n + k]
            next[n + k] = lr * h[n + k] + li * h[k]
            for j in 0..<u.count {
                next[k] += bRe[k * u.count + j] * u[j]
                next[n + k] += bIm[k * u.count + j] * u[j]
            }
        }
        return next
    }

    @Test("with φ = 0 for k steps, ω shrinks by exactly (1 − τη)^k", arguments: [(1.0, 0.3), (0.5, 0.1)])
    func dissipation(tau: Double, eta: Double) {
        let mlp = HamiltonianLearner(
            model: MultilayerPerceptron<Double>(.init(inputCount: 4, hiddenCounts: [8], outputCount: 3)),
            configuration: .init(tau: tau, beta: 0.01, eta: eta), loss: .softmaxCrossEntropy, seed: 1)
        let traces = Self.forecaster(.traces, tau: tau)
        traces.configuration.eta = eta
        let samples = clusteredSamples(count: 30, seed: 2)
        for (input, target) in samples {
            mlp.step(input: input, target: target)
            traces.step(input: Array(input.prefix(3)), target: Array(target))
        }
        for learner in [mlp as AnyObject, traces as AnyObject] {
            let omega = (learner as? HamiltonianLearner<MultilayerPerceptron<Double>>)?.parameterCostate
                ?? (learner as! HamiltonianLearner<Forecaster<Double>>).parameterCostate
            let before = omega.array
            #expect(before.map(abs).max()! > 1e-3)
            let k = 40
            for t in 0..<k {
                if let mlp = learner as? HamiltonianLearner<MultilayerPerceptron<Double>> {
                    mlp.configuration.phi = .constant(0)
                    mlp.step(input: samples[t % 30].input, target: samples[t % 30].target)
                } else if let forecaster = learner as? HamiltonianLearner<Forecaster<Double>> {
                    forecaster.configuration.phi = .constant(0)
                    forecaster.step(input: Array(samples[t % 30].input.prefix(3)), target: samples[t % 30].target)
                }
            }
            let factor = Double.pow(1 - tau * eta, k)
            #expect(maxRelativeDifference(omega.array, before.map { $0 * factor }, floor: 1e-300) <= 1e-12)
        }
    }

    @Test("a gradient clip c bounds each weight's first move by τβ·τc, and is exact HL when off")
    func gradientClip() {
        let configuration = MLPConfiguration(inputCount: 4, hiddenCounts: [8], outputCount: 3)
        let (tau, beta, clip) = (0.5, 0.2, 1e-3)
        let clipped = HamiltonianLearner(
            model: MultilayerPerceptron<Double>(configuration),
            configuration: .init(tau: tau, beta: beta, eta: 0.3, gradientClip: clip), seed: 4)
        let exact = HamiltonianLearner(
            model: MultilayerPerceptron<Double>(configuration), configuration: .init(tau: tau, beta: beta, eta: 0.3), seed: 4)
        let before = clipped.parameters.array
        let input = [10.0, -8.0, 6.0, 4.0], target = [30.0, -20.0, 5.0]
        clipped.step(input: input, target: target)
        exact.step(input: input, target: target)
        let moves = zip(clipped.parameters.array, before).map { abs($0 - $1) }
        #expect(moves.max()! <= tau * beta * tau * clip * (1 + 1e-12))
        #expect(zip(exact.parameters.array, before).map { abs($0 - $1) }.max()! > 100 * tau * beta * tau * clip)
    }

    @Test("|λ| < 1 at all times, even under violent learning and extreme parameters")
    func stability() {
        let configuration = ForecasterConfiguration(inputCount: 2, stateCount: 16, gradientMode: .traces)
        let learner = HamiltonianLearner(
            model: Forecaster<Float>(configuration), configuration: .init(beta: 0.2, eta: 0.1), seed: 3)
        let layout = learner.model.layout
        let nu = layout.tensor(named: "recurrent.nu_log")!.range
        func largestRadius() -> Float {
            learner.parameters.array[nu].map { Float.exp(-Float.exp($0)) }.max()!
        }
        var largest: Float = 0
        for u in randomVectors(count: 2000, size: 2, seed: 9, scale: 3) {
            let input = u.map { Float($0) }
            learner.step(input: input, target: input.map { -$0 * 3 })
            largest = max(largest, largestRadius())
        }
        #expect(largest < 1)
        // These settings diverge on purpose: |λ| < 1 must hold even then.
        #expect(learner.nonFiniteLosses > 0)
        var extreme = learner.parameters.array
        for i in nu { extreme[i] = -1e30 }
        learner.setParameters(extreme)
        #expect(largestRadius() < 1)
        extreme[nu.lowerBound] = .nan
        learner.setParameters(extreme)
        #expect(largestRadius() < 1)
        #expect(learner.parameters.array[nu].allSatisfy { $0.isFinite })
    }
}
