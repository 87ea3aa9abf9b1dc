import RealModule

/// y = W σ(a) + b + S u with a from a diagonal LRU layer: the reference recurrent model.
///
/// S starts as the identity when input and output sizes match, so an untrained forecaster
/// predicts "no change" and learning refines that.
public final class Forecaster<Scalar: Real & BinaryFloatingPoint>: LearnableModel {
    public let configuration: ForecasterConfiguration
    public let layout: ParameterLayout
    public let recurrent: DiagonalRecurrentLayer<Scalar>
    public let readout: DenseLayer
    @usableFromInline let skipOffset: Int
    @usableFromInline let inputCopy, preactivation, activated, readoutPreactivation, activatedGradient: ScalarBuffer<Scalar>
    /// GELU only: Φ(a) of the last forward, so the backward pass needs no second erf.
    @usableFromInline let normalCDF: ScalarBuffer<Scalar>

    public init(_ configuration: ForecasterConfiguration) {
        precondition(configuration.problems.isEmpty, configuration.problems.joined(separator: "; "))
        self.configuration = configuration
        var layout = ParameterLayout()
        recurrent = DiagonalRecurrentLayer(
            inputCount: configuration.inputCount, stateCount: configuration.stateCount,
            hiddenCount: configuration.hiddenCount, gradientMode: configuration.gradientMode, layout: &layout)
        readout = DenseLayer(
            name: "readout", inputCount: configuration.hiddenCount, outputCount: configuration.outputCount,
            activation: .identity, layout: &layout)
        skipOffset = layout.add("skip.weight", shape: [configuration.outputCount, configuration.inputCount])
        self.layout = layout
        inputCopy = ScalarBuffer(count: configuration.inputCount)
        preactivation = ScalarBuffer(count: configuration.hiddenCount)
        activated = ScalarBuffer(count: configuration.hiddenCount)
        readoutPreactivation = ScalarBuffer(count: configuration.outputCount)
        activatedGradient = ScalarBuffer(count: configuration.hiddenCount)
        normalCDF = ScalarBuffer(count: configuration.activation == .gelu ? configuration.hiddenCount : 0)
    }

    public var inputCount: Int { configuration.inputCount }
    public var outputCount: Int { configuration.outputCount }
    public var stateBuffers: [StateBuffer<Scalar>] { recurrent.stateBuffers }

    public func resetStateCostate() {
        recurrent.zRe.zero()
        recurrent.zIm.zero()
    }

    @inlinable
    public func resetState() {
        recurrent.hRe.zero()
        recurrent.hIm.zero()
        recurrent.zRe.zero()
        recurrent.zIm.zero()
        recurrent.eRe.zero()
        recurrent.eIm.zero()
        recurrent.traceBRe.zero()
        recurrent.traceBIm.zero()
    }

    public func initialize(parameters p: UnsafeMutablePointer<Scalar>, generator: inout SeededGenerator) {
        recurrent.initialize(parameters: p, configuration: configuration, generator: &generator)
        readout.initialize(parameters: p, generator: &generator)
        SkipInitialization.write(into: p, offset: skipOffset, outputs: outputCount, inputs: inputCount)
        parametersDidChange(p)
    }

    @inlinable
    public func parametersDidChange(_ parameters: UnsafeMutablePointer<Scalar>) {
        recurrent.parametersDidChange(parameters)
    }

    @inlinable
    public func forward(input: UnsafePointer<Scalar>, parameters p: UnsafePointer<Scalar>, output y: UnsafeMutablePointer<Scalar>) {
        let u = inputCopy.pointer
        u.update(from: input, count: inputCount)
        recurrent.forward(input: u, parameters: p, output: preactivation.pointer)
        let activation = configuration.activation
        if activation == .gelu {
            // Activation.apply's x (1 + erf(x/√2)) / 2, as x · Φ(x): halving is exact, so the same bits.
            for k in 0..<configuration.hiddenCount {
                let x = preactivation[k]
                let cdf = (1 + Scalar.erf(x / Scalar.sqrt(2))) / 2
                normalCDF[k] = cdf
                activated[k] = x * cdf
            }
        } else {
            for k in 0..<configuration.hiddenCount { activated[k] = activation.apply(preactivation[k]) }
        }
        readout.forward(input: activated.pointer, parameters: p, preactivation: readoutPreactivation.pointer, output: y)
        DenseKernels.multiply(p + skipOffset, rows: outputCount, columns: inputCount, u, into: y, accumulate: true)
    }

    @inlinable
    public func backward<Sink: GradientSink>(
        parameters p: UnsafePointer<Scalar>, outputGradient gy: UnsafeMutablePointer<Scalar>, sink: Sink,
        step: EulerStep<Scalar>
    ) where Sink.Scalar == Scalar {
        let u = UnsafePointer(inputCopy.pointer)
        DenseKernels.outer(gy, u, rows: outputCount, columns: inputCount, into: sink, at: skipOffset)
        readout.backward(
            input: activated.pointer, parameters: p, preactivation: readoutPreactivation.pointer,
            output: readoutPreactivation.pointer, outputGradient: gy, sink: sink,
            inputGradient: activatedGradient.pointer)
        let activation = configuration.activation
        if activation == .gelu {
            // Activation.derivative's Φ(x) + x φ(x), with Φ(x) kept from the forward pass.
            for k in 0..<configuration.hiddenCount {
                let x = preactivation[k]
                let pdf = Scalar.exp(-x * x / 2) / Scalar.sqrt(2 * Scalar.pi)
                activatedGradient[k] *= normalCDF[k] + x * pdf
            }
        } else {
            for k in 0..<configuration.hiddenCount {
                activatedGradient[k] *= activation.derivative(preactivation: preactivation[k], output: activated[k])
            }
        }
        recurrent.backward(input: u, parameters: p, outputGradient: activatedGradient.pointer, sink: sink, step: step)
    }
}
