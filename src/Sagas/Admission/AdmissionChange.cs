namespace EventPlatform.Sagas.Admission;

public enum AdmissionChange
{
    None,
    Enqueue,
    Acknowledge,
    Release,
}
