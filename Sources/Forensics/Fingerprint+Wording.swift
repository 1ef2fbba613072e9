import Foundation

extension Fingerprint.Result {
    /// What the fingerprint shows, in `l`.
    public func verdict(_ l: DocumentLanguage) -> String {
        if stations < 50 {
            return l.pick(
                "too few stations (\(stations)) for a fingerprint; it needs at least 50",
                "замало дільниць (\(stations)) для відбитка; потрібно щонайменше 50",
                "слишком мало участков (\(stations)) для отпечатка; нужно не меньше 50")
        }
        let corr = l.number(correlation, 2)
        if cornerFraction > 0.05 || turnoutPeaks > 1 {
            let corner = l.percent(cornerFraction * 100, digits: 1)
            return l.pick(
                "smeared fingerprint: \(corner) of ballots come from stations with turnout and share both >= 90%, \(turnoutPeaks) turnout peaks, turnout-share correlation \(corr)",
                "розмитий відбиток: \(corner) бюлетенів надходять із дільниць, де і явка, і частка лідера >= 90%; піків явки: \(turnoutPeaks); кореляція явки й частки \(corr)",
                "размытый отпечаток: \(corner) бюллетеней приходятся на участки, где и явка, и доля лидера >= 90%; пиков явки: \(turnoutPeaks); корреляция явки и доли \(corr)"
            )
        }
        let corner = l.percent(cornerFraction * 100, digits: 2)
        return l.pick(
            "single compact fingerprint: \(corner) of ballots in the 90%/90% corner, \(turnoutPeaks) turnout peak, turnout-share correlation \(corr)",
            "один компактний відбиток: \(corner) бюлетенів у куті 90%/90%, піків явки: \(turnoutPeaks), кореляція явки й частки \(corr)",
            "один компактный отпечаток: \(corner) бюллетеней в углу 90%/90%, пиков явки: \(turnoutPeaks), корреляция явки и доли \(corr)")
    }

    /// What the test takes for granted, in `l`.
    public static func assumptions(_ l: DocumentLanguage) -> String {
        l.pick(
            "In a fair election, turnout and leader share vary across stations around one centre, roughly independently; extra ballots for the leader move stations up and right together, towards 100% turnout and 100% share.",
            "На чесних виборах явка й частка лідера коливаються від дільниці до дільниці навколо одного центру, майже незалежно; додаткові бюлетені за лідера зсувають дільниці вгору й праворуч водночас, до 100% явки й 100% частки.",
            "На честных выборах явка и доля лидера колеблются от участка к участку вокруг одного центра, почти независимо; добавленные бюллетени за лидера сдвигают участки вверх и вправо одновременно, к 100% явки и 100% доли."
        )
    }
}
