import ArgumentParser
public struct PlebisciteCommand: ParsableCommand { public init() {} }
