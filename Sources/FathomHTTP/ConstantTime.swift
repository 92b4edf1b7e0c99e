/// Secret comparison whose duration does not depend on where the inputs first differ.
enum ConstantTime {
    /// Whether `given` equals `secret`. Every byte of `given` is examined whatever the lengths,
    /// so timing reveals at most the length of what the client itself sent.
    static func equals(_ given: some Collection<UInt8>, _ secret: [UInt8]) -> Bool {
        var difference = UInt(bitPattern: given.count ^ secret.count)
        if secret.isEmpty { return false }
        var i = 0
        for byte in given {
            difference |= UInt(byte ^ secret[i % secret.count])
            i += 1
        }
        return difference == 0
    }
}
